package io.sluice.broker.metadata;

import io.sluice.protocol.Errors;
import java.util.concurrent.CompletableFuture;

/**
 * Creates and deletes topics on behalf of CreateTopics, DeleteTopics and Metadata's auto-creation.
 * The single-node mode creates the logs itself ({@link Topics}); a coordinated mode writes the
 * assignment to its coordination service and lets the brokers create their logs.
 *
 * <p>Contract: both methods return at once, without doing the work on the calling thread (an event
 * loop); the future completes on an admin thread with {@link Errors#NONE} or the reason the request
 * was refused ({@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS}, {@code
 * TOPIC_ALREADY_EXISTS}, {@code UNKNOWN_TOPIC_OR_PARTITION}), and exceptionally, with a {@link
 * io.sluice.protocol.SluiceException} carrying the error code where one applies, if it failed. Once
 * a creation has completed with NONE, {@link ClusterMetadata} on this broker shows the topic with
 * all its partitions; once a deletion has, it no longer shows it. Thread-safe.
 */
public interface TopicAdmin {

  /** Creates {@code topic} with {@code partitions} partitions (or only validates the request). */
  CompletableFuture<Errors> createTopic(String topic, int partitions, boolean validateOnly);

  /**
   * Creates {@code topic} with {@code replicationFactor} replicas of each partition. Only cluster
   * mode has more than one broker to put them on; here, anything but 1 is refused with {@code
   * INVALID_REPLICATION_FACTOR}.
   */
  default CompletableFuture<Errors> createTopic(
      String topic, int partitions, int replicationFactor, boolean validateOnly) {
    if (replicationFactor != 1) {
      return CompletableFuture.completedFuture(Errors.INVALID_REPLICATION_FACTOR);
    }
    return createTopic(topic, partitions, validateOnly);
  }

  /** Deletes {@code topic} and its data. */
  CompletableFuture<Errors> deleteTopic(String topic);
}
