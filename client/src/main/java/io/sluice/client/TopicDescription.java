package io.sluice.client;

import java.util.List;

/** A topic as the cluster describes it, with each partition's leader and offset range. */
public record TopicDescription(String name, List<PartitionDescription> partitions) {
  public TopicDescription {
    partitions = List.copyOf(partitions);
  }

  /**
   * One partition: its leader broker id, and the earliest and latest (log end) offsets, so that
   * {@code latestOffset - earliestOffset} records are readable.
   */
  public record PartitionDescription(
      int partition, int leader, long earliestOffset, long latestOffset) {}
}
