package io.sluice.broker.storage;

/**
 * A compacted log's cleaning settings, Kafka's topic keys (defaults in parentheses). A log is
 * compacted once it was given settings ({@link Log#compact}); the topic configuration ({@code
 * cleanup.policy=compact} or {@code compact,delete}) decides that.
 *
 * @param deleteRetentionMs {@code delete.retention.ms} (86400000): how long a tombstone (a record
 *     with a null value) stays after it was written, so that consumers can see the deletion
 * @param minCompactionLagMs {@code min.compaction.lag.ms} (0): a segment whose newest record is
 *     younger than this is not cleaned
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio} (0.5): the share of the cleanable
 *     bytes not yet cleaned from which a pass runs
 */
public record CompactionSettings(
    long deleteRetentionMs, long minCompactionLagMs, double minCleanableDirtyRatio) {
  public static final CompactionSettings DEFAULTS = new CompactionSettings(86_400_000L, 0, 0.5);

  public CompactionSettings {
    if (deleteRetentionMs < 0) {
      throw new IllegalArgumentException("delete.retention.ms=" + deleteRetentionMs);
    }
    if (minCompactionLagMs < 0) {
      throw new IllegalArgumentException("min.compaction.lag.ms=" + minCompactionLagMs);
    }
    if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
      throw new IllegalArgumentException("min.cleanable.dirty.ratio=" + minCleanableDirtyRatio);
    }
  }
}
