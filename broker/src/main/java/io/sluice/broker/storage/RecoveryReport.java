package io.sluice.broker.storage;

import java.util.List;

/**
 * What opening the log directories found and did, so that losses are reported, never silent.
 *
 * @param partitions one entry per partition loaded
 * @param uncleanDirectories log directories that had no clean-shutdown marker
 * @param durationMs wall time of the whole load
 */
public record RecoveryReport(
    List<PartitionRecovery> partitions, int uncleanDirectories, long durationMs) {

  public RecoveryReport {
    partitions = List.copyOf(partitions);
  }

  /**
   * One partition's recovery.
   *
   * @param segmentsScanned segments read batch by batch (CRC checked, indexes rebuilt)
   * @param bytesScanned bytes of those segments
   * @param bytesTruncated bytes cut from the end of the last valid segment
   * @param segmentsDeleted segments dropped (after a truncation, or below the log start)
   * @param lastValidOffset the last offset in the log after recovery (-1 if empty)
   * @param problem why the scan stopped early, with file and position; null when nothing was lost
   */
  public record PartitionRecovery(
      TopicPartition topicPartition,
      int segmentsScanned,
      long bytesScanned,
      long bytesTruncated,
      int segmentsDeleted,
      long lastValidOffset,
      String problem) {}

  public int segmentsScanned() {
    return partitions.stream().mapToInt(PartitionRecovery::segmentsScanned).sum();
  }

  public long bytesScanned() {
    return partitions.stream().mapToLong(PartitionRecovery::bytesScanned).sum();
  }

  public long bytesTruncated() {
    return partitions.stream().mapToLong(PartitionRecovery::bytesTruncated).sum();
  }

  public static RecoveryReport empty() {
    return new RecoveryReport(List.of(), 0, 0);
  }
}
