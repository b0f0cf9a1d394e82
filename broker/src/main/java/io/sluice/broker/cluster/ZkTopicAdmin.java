package io.sluice.broker.cluster;

import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Topic creation and deletion in cluster mode: validated here, then done through ZooKeeper by
 * {@link ZkCluster} on the broker's metadata-admin thread (they block until the controller has
 * acted, up to {@link #TIMEOUT_MS}). A refusal with a reason (ZooKeeper unreachable, no controller,
 * timed out) completes exceptionally with a {@link SluiceException} carrying the code and the
 * reason. Thread-safe.
 */
final class ZkTopicAdmin implements TopicAdmin {
  /** How long a creation or deletion waits for the controller. */
  static final long TIMEOUT_MS = 30_000;

  private final ZkCluster cluster;
  private final Executor admin;

  private final int defaultReplicationFactor;

  ZkTopicAdmin(ZkCluster cluster, Executor admin, int defaultReplicationFactor) {
    this.cluster = cluster;
    this.admin = admin;
    this.defaultReplicationFactor = defaultReplicationFactor;
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

  @Override
  public CompletableFuture<Errors> deleteTopic(String topic) {
    if (!TopicNames.isValid(topic)) {
      return CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return CompletableFuture.supplyAsync(
        () -> outcome(cluster.deleteTopic(topic, TIMEOUT_MS)), admin);
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
