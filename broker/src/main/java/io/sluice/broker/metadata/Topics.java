package io.sluice.broker.metadata;

import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Creates and deletes topics on behalf of Metadata (auto-creation), CreateTopics and DeleteTopics,
 * and tells the handlers which topics exist.
 *
 * <p>Invariant: a reader sees a topic either not at all or with all its partitions. The handlers
 * read {@link #published}, an immutable map from topic to partition count, never the log manager's
 * partition map, which gains one partition at a time while a topic is being created. A topic is
 * published after its last partition's log exists and unpublished before its first log is closed.
 *
 * <p>Thread safety: readers take no lock (one volatile read); creation and deletion are serialized
 * by this object's monitor, so that two clients creating the same topic get one success and one
 * {@code TOPIC_ALREADY_EXISTS}. The monitor is held while the log manager creates or deletes
 * directories (see {@code docs/locks.md}). That disk work (directory creation, index preallocation,
 * fsyncs) runs on the admin executor given at construction, never on an event loop: handlers call
 * {@link #create} and {@link #delete} inside {@link #administer}.
 */
public final class Topics {
  private static final int MAX_NAME_LENGTH = 249;

  private final LogManager logs;
  private final Executor admin;

  /** Topic to partition count; replaced whole, under this object's monitor. */
  private volatile Map<String, Integer> published;

  /** Topics whose administration runs on the calling thread (tests). */
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

  /**
   * Runs topic administration on the admin executor. The future completes there; a handler answers
   * through its {@code Responder}, which hops back to the connection's event loop.
   */
  public <T> CompletableFuture<T> administer(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, admin);
  }

  /** Kafka's topic-name rules: 1..249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
  public static boolean isValidName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_NAME_LENGTH
        && !name.equals(".")
        && !name.equals("..")
        && hasLegalCharacters(name);
  }

  // A loop rather than a regex: this runs for every topic of every produce and fetch request,
  // where the regex showed up in profiles at 2-6% of broker samples.
  private static boolean hasLegalCharacters(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!legal) {
        return false;
      }
    }
    return true;
  }

  /**
   * The log of a partition named by a client, or empty if it does not exist (including names and
   * partition numbers that cannot exist: the lookup never throws on client input).
   */
  public Optional<Log> log(String topic, int partition) {
    if (partition < 0 || partition >= partitionCount(topic)) {
      return Optional.empty();
    }
    return logs.log(new TopicPartition(topic, partition));
  }

  /** The published topics, sorted. */
  public Set<String> all() {
    return new TreeSet<>(published.keySet());
  }

  /** The topic's partition count, 0 if it does not exist (or is not fully created yet). */
  public int partitionCount(String topic) {
    return topic == null ? 0 : published.getOrDefault(topic, 0);
  }

  public boolean exists(String topic) {
    return partitionCount(topic) > 0;
  }

  /** Creates a topic with {@code partitions} partitions; NONE or the reason it was not. */
  public synchronized Errors create(String topic, int partitions, boolean validateOnly) {
    if (!isValidName(topic)) {
      return Errors.INVALID_TOPIC_EXCEPTION;
    }
    if (partitions < 1) {
      return Errors.INVALID_PARTITIONS;
    }
    if (exists(topic)) {
      return Errors.TOPIC_ALREADY_EXISTS;
    }
    if (!validateOnly) {
      for (int p = 0; p < partitions; p++) {
        logs.createLog(new TopicPartition(topic, p));
      }
      publish(topic, partitions);
    }
    return Errors.NONE;
  }

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
