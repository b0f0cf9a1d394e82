package io.sluice.broker.cluster;

import io.sluice.broker.metadata.LeaderElection;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.TopicConfigKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Topic creation, deletion and per-topic configuration in cluster mode: validated here, then done
 * through ZooKeeper by {@link ZkCluster} on the broker's metadata-admin thread (they block until
 * the controller has acted, up to {@link #TIMEOUT_MS}). A refusal with a reason (ZooKeeper
 * unreachable, no controller, timed out) completes exceptionally with a {@link SluiceException}
 * carrying the code and the reason. Thread-safe.
 */
final class ZkTopicAdmin implements TopicAdmin {
  /** How long a creation or deletion waits for the controller. */
  static final long TIMEOUT_MS = 30_000;

  private final ZkCluster cluster;
  private final Executor admin;
  private final ZkReassignments reassignments;

  private final int defaultReplicationFactor;

  /** The broker-wide log settings that overrides apply over (validation, as single-node does). */
  private final LogConfig brokerLog;

  ZkTopicAdmin(
      ZkCluster cluster, Executor admin, int defaultReplicationFactor, LogConfig brokerLog) {
    this.cluster = cluster;
    this.admin = admin;
    this.reassignments = new ZkReassignments(cluster);
    this.defaultReplicationFactor = defaultReplicationFactor;
    this.brokerLog = brokerLog;
  }

  /** Auto-creation: {@code default.replication.factor} replicas. */
  @Override
  public CompletableFuture<Errors> createTopic(String topic, int partitions, boolean validateOnly) {
    return createTopic(topic, partitions, defaultReplicationFactor, validateOnly);
  }

  @Override
  public CompletableFuture<Errors> createTopic(
      String topic, int partitions, int replicationFactor, boolean validateOnly) {
    if (!TopicNames.isValid(topic)) {
      return CompletableFuture.completedFuture(Errors.INVALID_TOPIC_EXCEPTION);
    }
    if (partitions < 1) {
      return CompletableFuture.completedFuture(Errors.INVALID_PARTITIONS);
    }
    return CompletableFuture.supplyAsync(
        () ->
            outcome(
                cluster.createTopic(
                    topic, partitions, replicationFactor, validateOnly, TIMEOUT_MS)),
        admin);
  }

  /**
   * Creation with overrides: checked here as a single node checks them (an existing topic is
   * answered {@code TOPIC_ALREADY_EXISTS} before its overrides are looked at), then stored with the
   * assignment ({@link ZkCluster#createTopic(String, int, int, Map, boolean, long)}).
   */
  @Override
  public CompletableFuture<Errors> createTopic(
      String topic,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      boolean validateOnly) {
    if (!TopicNames.isValid(topic)) {
      return CompletableFuture.completedFuture(Errors.INVALID_TOPIC_EXCEPTION);
    }
    if (partitions < 1) {
      return CompletableFuture.completedFuture(Errors.INVALID_PARTITIONS);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          if (!cluster.snapshot().topics().containsKey(topic)) {
            brokerLog.withOverrides(configs); // INVALID_CONFIG naming a bad key or value
          }
          return outcome(
              cluster.createTopic(
                  topic, partitions, replicationFactor, configs, validateOnly, TIMEOUT_MS));
        },
        admin);
  }

  /** From this broker's copy of {@code /config/topics/{t}}: the overrides it accepts. */
  @Override
  public Map<String, String> topicConfig(String topic) {
    Map<String, String> stored = cluster.snapshot().topicConfig(topic);
    if (stored == null || stored.isEmpty()) {
      return Map.of();
    }
    Map<String, String> valid = new TreeMap<>();
    stored.forEach(
        (key, value) -> {
          TopicConfigKey k = TopicConfigKey.forName(key);
          if (k != null) {
            try {
              k.validate(value);
              valid.put(key, value);
            } catch (SluiceException e) {
              // left out, as the replicas leave it out (LocalReplicas warns)
            }
          }
        });
    return Map.copyOf(valid);
  }

  /**
   * Stored in ZooKeeper, conditionally on the version read; every broker with a replica applies it
   * to its logs when its watch fires, this one before the future completes.
   */
  @Override
  public CompletableFuture<Void> alterTopicConfig(
      String topic, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
    return CompletableFuture.runAsync(
        () -> {
          ZkCluster.Outcome outcome =
              cluster.alterTopicConfig(
                  topic, change, brokerLog::withOverrides, validateOnly, TIMEOUT_MS);
          if (outcome.error() != Errors.NONE) {
            throw new SluiceException(outcome.error(), outcome.message());
          }
        },
        admin);
  }

  @Override
  public CompletableFuture<Errors> deleteTopic(String topic) {
    if (!TopicNames.isValid(topic)) {
      return CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return CompletableFuture.supplyAsync(
        () -> outcome(cluster.deleteTopic(topic, TIMEOUT_MS)), admin);
  }

  /** Recorded in ZooKeeper by {@link ZkReassignments}; the controller completes it. */
  @Override
  public CompletableFuture<Map<Integer, ReassignmentOutcome>> reassignPartitions(
      String topic, Map<Integer, List<Integer>> targets, boolean allowReplicationFactorChange) {
    Map<Integer, List<Integer>> copy = new HashMap<>(targets);
    return CompletableFuture.supplyAsync(
        () -> reassignments.reassign(topic, copy, allowReplicationFactorChange, TIMEOUT_MS), admin);
  }

  @Override
  public Map<String, Map<Integer, OngoingReassignment>> ongoingReassignments() {
    return reassignments.ongoing();
  }

  /** Through the controller ({@link ZkCluster#electLeaders}); never blocks. */
  @Override
  public CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> electLeaders(
      LeaderElection.Type type, Set<LeaderElection.Partition> partitions, long timeoutMs) {
    return cluster.electLeaders(type, partitions, timeoutMs);
  }

  private static Errors outcome(ZkCluster.Outcome outcome) {
    if (outcome.error() == Errors.NONE
        || outcome.error() == Errors.TOPIC_ALREADY_EXISTS
        || outcome.error() == Errors.INVALID_REPLICATION_FACTOR
        || outcome.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
      return outcome.error();
    }
    throw new SluiceException(outcome.error(), outcome.message());
  }
}
