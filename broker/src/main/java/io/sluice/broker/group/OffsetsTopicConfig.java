package io.sluice.broker.group;

/**
 * The settings of a cluster's {@code __consumer_offsets} topic, Kafka's keys and defaults.
 *
 * @param partitions {@code offsets.topic.num.partitions}: fixed when the topic is created
 * @param replicationFactor {@code offsets.topic.replication.factor}: capped, with a warning, to the
 *     brokers live when the topic is created (as Kafka does)
 * @param commitTimeoutMs {@code offsets.commit.timeout.ms}: how long a write to the topic waits for
 *     its in-sync replicas before the client gets {@code COORDINATOR_NOT_AVAILABLE}
 */
public record OffsetsTopicConfig(int partitions, short replicationFactor, int commitTimeoutMs) {

  public OffsetsTopicConfig {
    if (partitions < 1 || replicationFactor < 1 || commitTimeoutMs < 1) {
      throw new IllegalArgumentException(
          "offsets topic: partitions, replication factor and commit timeout must be >= 1");
    }
  }

  public static OffsetsTopicConfig defaults() {
    return new OffsetsTopicConfig(
        OffsetsTopic.DEFAULT_PARTITIONS, OffsetsTopic.DEFAULT_REPLICATION_FACTOR, 5000);
  }
}
