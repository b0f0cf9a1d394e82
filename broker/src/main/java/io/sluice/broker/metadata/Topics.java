package io.sluice.broker.metadata;

import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * The single-node mode's topics: the {@link TopicAdmin} that creates and deletes the partitions'
 * logs in this broker's log directories, and the registry of which topics exist that {@link
 * SingleNodeMetadata} reads.
 *
 * <p>Invariant: a reader sees a topic either not at all or with all its partitions. Readers see
 * {@link #published}, an immutable map from topic to partition count, never the log manager's
 * partition map, which gains one partition at a time while a topic is being created. A topic is
 * published after its last partition's log exists and unpublished before its first log is closed.
 *
 * <p>Thread safety: readers take no lock (one volatile read); creation and deletion are serialized
 * by this object's monitor, so that two clients creating the same topic get one success and one
 * {@code TOPIC_ALREADY_EXISTS}. The monitor is held while the log manager creates or deletes
 * directories (see {@code docs/locks.md}). {@link #createTopic} and {@link #deleteTopic} run that
 * disk work (directory creation, index preallocation, fsyncs) on the admin executor given at
 * construction (owned by the broker), never on the caller's thread.
 */
public final class Topics implements TopicAdmin {
  private final LogManager logs;
  private final Executor admin;

  /** Topic to partition count; replaced whole, under this object's monitor. */
  private volatile Map<String, Integer> published;

  /** Topics whose asynchronous administration runs on the calling thread (tests). */
  public Topics(LogManager logs) {
    this(logs, Runnable::run);
  }

  public Topics(LogManager logs, Executor admin) {
    this.logs = logs;
    this.admin = admin;
    Map<String, Integer> counts = new HashMap<>();
    for (String topic : logs.topics()) {
      counts.put(topic, logs.partitionCount(topic));
    }
    this.published = Map.copyOf(counts);
  }

  @Override
  public CompletableFuture<Errors> createTopic(String topic, int partitions, boolean validateOnly) {
    return CompletableFuture.supplyAsync(() -> create(topic, partitions, validateOnly), admin);
  }

  @Override
  public CompletableFuture<Errors> createTopic(
      String topic,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      boolean validateOnly) {
    if (replicationFactor != 1) {
      return CompletableFuture.completedFuture(Errors.INVALID_REPLICATION_FACTOR);
    }
    return CompletableFuture.supplyAsync(
        () -> create(topic, partitions, configs, validateOnly), admin);
  }

  @Override
  public Map<String, String> topicConfig(String topic) {
    return logs.topicConfig(topic);
  }

  @Override
  public CompletableFuture<Void> alterTopicConfig(
      String topic, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
    return CompletableFuture.runAsync(() -> alterConfig(topic, change, validateOnly), admin);
  }

  @Override
  public CompletableFuture<Void> createPartitions(
      String topic, int totalCount, boolean validateOnly) {
    return CompletableFuture.runAsync(() -> addPartitions(topic, totalCount, validateOnly), admin);
  }

  /** {@link #alterTopicConfig} on the calling thread. */
  public synchronized void alterConfig(
      String topic, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
    if (!exists(topic)) {
      throw unknown(topic);
    }
    Map<String, String> next = change.apply(logs.topicConfig(topic));
    logs.config().withOverrides(next); // validates every key and value
    if (!validateOnly) {
      logs.alterTopicConfig(topic, next);
    }
  }

  /** {@link #createPartitions} on the calling thread; Kafka's messages for a refusal. */
  public synchronized void addPartitions(String topic, int totalCount, boolean validateOnly) {
    if (!exists(topic)) {
      throw unknown(topic);
    }
    int current = partitionCount(topic);
    if (totalCount < current) {
      throw new SluiceException(
          Errors.INVALID_PARTITIONS,
          "Topic currently has "
              + current
              + " partitions, which is higher than the requested "
              + totalCount
              + ".");
    }
    if (totalCount == current) {
      throw new SluiceException(
          Errors.INVALID_PARTITIONS, "Topic already has " + current + " partitions.");
    }
    if (validateOnly) {
      return;
    }
    Map<String, String> overrides = logs.topicConfig(topic);
    for (int p = current; p < totalCount; p++) {
      logs.createLog(new TopicPartition(topic, p), overrides);
    }
    publish(topic, totalCount);
  }

  private static SluiceException unknown(String topic) {
    return new SluiceException(
        Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topic + "' does not exist.");
  }

  @Override
  public CompletableFuture<Errors> deleteTopic(String topic) {
    return CompletableFuture.supplyAsync(() -> delete(topic), admin);
  }

  /**
   * A single node's partitions have one replica, which leads them: there is never another leader to
   * elect, so every partition that exists is answered {@code ELECTION_NOT_NEEDED} (what Kafka
   * answers for a partition already led by its preferred replica, and, for an unclean election, for
   * one that has a leader), the others {@code UNKNOWN_TOPIC_OR_PARTITION}. Answered at once.
   */
  @Override
  public CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> electLeaders(
      LeaderElection.Type type, Set<LeaderElection.Partition> partitions, long timeoutMs) {
    Map<LeaderElection.Partition, LeaderElection.Result> results = new LinkedHashMap<>();
    for (LeaderElection.Partition p : partitions) {
      results.put(
          p,
          p.partition() >= 0 && p.partition() < partitionCount(p.topic())
              ? new LeaderElection.Result(
                  Errors.ELECTION_NOT_NEEDED,
                  "partition " + p + " has one replica, which leads it: no election needed")
              : new LeaderElection.Result(
                  Errors.UNKNOWN_TOPIC_OR_PARTITION, "no partition " + p + " on this broker"));
    }
    return CompletableFuture.completedFuture(results);
  }

  /**
   * The log of a published partition, or empty if it does not exist (including names and partition
   * numbers that cannot exist: the lookup never throws on client input).
   */
  public Optional<Log> log(String topic, int partition) {
    if (partition < 0 || partition >= partitionCount(topic)) {
      return Optional.empty();
    }
    return logs.log(new TopicPartition(topic, partition));
  }

  /** The published topics, sorted; immutable. */
  public Set<String> all() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(published.keySet()));
  }

  /** The topic's partition count, 0 if it does not exist (or is not fully created yet). */
  public int partitionCount(String topic) {
    return topic == null ? 0 : published.getOrDefault(topic, 0);
  }

  public boolean exists(String topic) {
    return partitionCount(topic) > 0;
  }

  /**
   * Creates a topic with {@code partitions} partitions on the calling thread; NONE or the reason it
   * was not. Throws {@code SluiceException(KAFKA_STORAGE_ERROR)} if a log cannot be created, and a
   * {@code SluiceException} with a message for the refusals a client must be told more about: an
   * internal topic name ({@code INVALID_REQUEST}) and a name that collides with an existing topic's
   * ({@code INVALID_TOPIC_EXCEPTION}, "Topic 'a_b' collides with existing topic: a.b", as Kafka).
   */
  public Errors create(String topic, int partitions, boolean validateOnly) {
    return create(topic, partitions, Map.of(), validateOnly);
  }

  /**
   * {@link #create(String, int, boolean)} with configuration overrides; a bad one throws {@code
   * SluiceException(INVALID_CONFIG)} naming it, and nothing is created.
   */
  public synchronized Errors create(
      String topic, int partitions, Map<String, String> configs, boolean validateOnly) {
    if (!TopicNames.isValid(topic)) {
      return Errors.INVALID_TOPIC_EXCEPTION;
    }
    if (TopicNames.isInternal(topic)) {
      // Kafka's own answer for the one internal topic it forbids outright (__cluster_metadata).
      throw new SluiceException(
          Errors.INVALID_REQUEST,
          "Creation of internal topic "
              + topic
              + " is prohibited: the name is reserved for Kafka's internal topics");
    }
    if (partitions < 1) {
      return Errors.INVALID_PARTITIONS;
    }
    if (exists(topic)) {
      return Errors.TOPIC_ALREADY_EXISTS;
    }
    for (String existing : new TreeSet<>(published.keySet())) {
      if (TopicNames.collide(topic, existing)) {
        throw new SluiceException(
            Errors.INVALID_TOPIC_EXCEPTION,
            "Topic '" + topic + "' collides with existing topic: " + existing);
      }
    }
    logs.config().withOverrides(configs); // validates every key and value
    if (!validateOnly) {
      for (int p = 0; p < partitions; p++) {
        logs.createLog(new TopicPartition(topic, p), configs);
      }
      publish(topic, partitions);
    }
    return Errors.NONE;
  }

  /** Deletes a topic on the calling thread; NONE or UNKNOWN_TOPIC_OR_PARTITION. */
  public synchronized Errors delete(String topic) {
    if (!exists(topic)) {
      return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    publish(topic, 0);
    logs.deleteTopic(topic);
    return Errors.NONE;
  }

  /** Requires this object's monitor. A count of 0 removes the topic. */
  private void publish(String topic, int partitions) {
    Map<String, Integer> next = new HashMap<>(published);
    if (partitions == 0) {
      next.remove(topic);
    } else {
      next.put(topic, partitions);
    }
    published = Map.copyOf(next);
  }
}
