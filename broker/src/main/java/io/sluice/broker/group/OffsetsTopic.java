package io.sluice.broker.group;

import java.util.Map;

/**
 * Kafka's internal topic {@code __consumer_offsets}, where a cluster keeps committed offsets and
 * group metadata. A group belongs to partition {@code abs(groupId.hashCode()) % partitions} (Java's
 * {@code String.hashCode} and Kafka's {@code Utils.abs}, which maps {@code Integer.MIN_VALUE} to
 * 0), and its coordinator is that partition's leader: the same partition Kafka would choose, so
 * Kafka's tools that read the topic find every group where Kafka would put it.
 */
public final class OffsetsTopic {
  public static final String NAME = "__consumer_offsets";

  /** Kafka's defaults of {@code offsets.topic.num.partitions} and its replication factor. */
  public static final int DEFAULT_PARTITIONS = 50;

  public static final short DEFAULT_REPLICATION_FACTOR = 3;

  /**
   * The topic-level settings of every replica of the topic (Kafka's: compacted, 100 MiB segments as
   * {@code offsets.topic.segment.bytes}), so that the log cleaner keeps the latest record of each
   * key.
   */
  public static final Map<String, String> CONFIGS =
      Map.of("cleanup.policy", "compact", "segment.bytes", "104857600");

  private OffsetsTopic() {}

  /** The partition of {@code groupId} in a topic of {@code partitions} partitions. */
  public static int partitionFor(String groupId, int partitions) {
    return abs(groupId.hashCode()) % partitions;
  }

  /** Kafka's {@code Utils.abs}: the absolute value, with {@code Integer.MIN_VALUE} giving 0. */
  static int abs(int n) {
    return n == Integer.MIN_VALUE ? 0 : Math.abs(n);
  }
}
