package io.sluice.client;

import java.util.Collection;

/**
 * Told when a subscribed consumer's partitions change. Both methods run on the application thread,
 * inside {@link Consumer#poll} (and {@link Consumer#close} for the last revocation), so they may
 * call the consumer, for example to commit or seek.
 *
 * <p>Groups use Kafka's eager protocol: every rebalance first revokes all partitions, then assigns
 * the new set, which may include partitions the member had before.
 */
public interface ConsumerRebalanceListener {
  /**
   * Called before the consumer rejoins its group, while it still owns {@code partitions}: the last
   * moment to commit what was processed. With {@code enable.auto.commit} the consumer has already
   * committed its positions.
   */
  void onPartitionsRevoked(Collection<TopicPartition> partitions);

  /** Called when the group's new assignment arrived, before the first records are fetched. */
  void onPartitionsAssigned(Collection<TopicPartition> partitions);

  /**
   * Called instead of {@link #onPartitionsRevoked} when the partitions were already taken away (the
   * member was expelled, for example after {@code max.poll.interval.ms}); committing is no longer
   * possible. By default, the same as a revocation.
   */
  default void onPartitionsLost(Collection<TopicPartition> partitions) {
    onPartitionsRevoked(partitions);
  }
}
