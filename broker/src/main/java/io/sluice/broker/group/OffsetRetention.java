package io.sluice.broker.group;

import java.util.concurrent.TimeUnit;

/**
 * Offset expiry's settings, Kafka's keys and defaults.
 *
 * @param retentionMs {@code offsets.retention.minutes} (default 10080, 7 days) in milliseconds: how
 *     long a group's offsets outlive its last member, or, for a group that never had members, each
 *     offset its commit
 * @param checkIntervalMs {@code offsets.retention.check.interval.ms} (default 600000): how often
 *     the coordinator looks for expired offsets
 */
public record OffsetRetention(long retentionMs, long checkIntervalMs) {
  public static final int DEFAULT_RETENTION_MINUTES = 10080;
  public static final long DEFAULT_CHECK_INTERVAL_MS = 600_000;

  public OffsetRetention {
    if (retentionMs < 1 || checkIntervalMs < 1) {
      throw new IllegalArgumentException(
          "offsets.retention.minutes and offsets.retention.check.interval.ms must be >= 1");
    }
  }

  public static OffsetRetention defaults() {
    return new OffsetRetention(
        TimeUnit.MINUTES.toMillis(DEFAULT_RETENTION_MINUTES), DEFAULT_CHECK_INTERVAL_MS);
  }
}
