package io.sluice.broker.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The storage settings, validated once when built. Each component carries the Kafka key it maps
 * from; the server maps {@code server.properties} onto this record.
 *
 * @param logDirs {@code log.dirs}: one or more directories; each gets its own flusher thread
 * @param segmentBytes {@code log.segment.bytes} (default 1 GiB): roll when a segment would exceed
 *     it
 * @param rollMs {@code log.roll.ms} (default 7 days): roll when the active segment is this old
 * @param retentionMs {@code log.retention.ms} (default 7 days; -1 = keep forever)
 * @param retentionBytes {@code log.retention.bytes} (default -1 = no size limit), per partition
 * @param indexIntervalBytes {@code log.index.interval.bytes} (default 4096): bytes between index
 *     entries
 * @param indexSizeMaxBytes {@code log.index.size.max.bytes} (default 10 MiB): preallocated size of
 *     the offset and time index files of the active segment
 * @param flushIntervalMs {@code log.flush.interval.ms}: the longest time unflushed data may wait
 *     for an fsync even when nobody waits for it. Kafka leaves it unset (rely on the OS); Sluice
 *     has no replicas, so it defaults to 1000 ms, which bounds what {@code acks=1} can lose on
 *     power loss. {@code Long.MAX_VALUE} restores Kafka's behaviour.
 * @param flushIntervalMessages {@code log.flush.interval.messages} (default Long.MAX_VALUE): flush
 *     a partition once this many records are unflushed
 * @param retentionCheckIntervalMs {@code log.retention.check.interval.ms} (default 5 minutes)
 * @param checkpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms} (default 60 s): how
 *     often the recovery-point checkpoint is written
 * @param maxMessageBytes {@code message.max.bytes} (default 1048588): the largest batch accepted
 */
public record LogConfig(
    List<Path> logDirs,
    int segmentBytes,
    long rollMs,
    long retentionMs,
    long retentionBytes,
    int indexIntervalBytes,
    int indexSizeMaxBytes,
    long flushIntervalMs,
    long flushIntervalMessages,
    long retentionCheckIntervalMs,
    long checkpointIntervalMs,
    int maxMessageBytes) {

  static final long DAY_MS = 24L * 60 * 60 * 1000;

  public LogConfig {
    Objects.requireNonNull(logDirs, "logDirs");
    logDirs = List.copyOf(logDirs);
    if (logDirs.isEmpty()) {
      throw new IllegalArgumentException("log.dirs must name at least one directory");
    }
    require(segmentBytes >= 1024, "log.segment.bytes", segmentBytes, ">= 1024");
    require(rollMs >= 1, "log.roll.ms", rollMs, ">= 1");
    require(retentionMs >= -1, "log.retention.ms", retentionMs, ">= -1");
    require(retentionBytes >= -1, "log.retention.bytes", retentionBytes, ">= -1");
    require(indexIntervalBytes >= 0, "log.index.interval.bytes", indexIntervalBytes, ">= 0");
    require(indexSizeMaxBytes >= 12 * 4, "log.index.size.max.bytes", indexSizeMaxBytes, ">= 48");
    require(flushIntervalMs >= 1, "log.flush.interval.ms", flushIntervalMs, ">= 1");
    require(
        flushIntervalMessages >= 1, "log.flush.interval.messages", flushIntervalMessages, ">= 1");
    require(
        retentionCheckIntervalMs >= 1,
        "log.retention.check.interval.ms",
        retentionCheckIntervalMs,
        ">= 1");
    require(
        checkpointIntervalMs >= 1,
        "log.flush.offset.checkpoint.interval.ms",
        checkpointIntervalMs,
        ">= 1");
    require(maxMessageBytes >= 61, "message.max.bytes", maxMessageBytes, ">= 61");
  }

  /** Kafka's defaults (and Sluice's flush interval) over the given log directories. */
  public static LogConfig defaults(List<Path> logDirs) {
    return new LogConfig(
        logDirs,
        1 << 30,
        7 * DAY_MS,
        7 * DAY_MS,
        -1,
        4096,
        10 * 1024 * 1024,
        1000,
        Long.MAX_VALUE,
        5 * 60 * 1000L,
        60_000,
        1024 * 1024 + 12);
  }

  public LogConfig withSegmentBytes(int value) {
    return new LogConfig(
        logDirs,
        value,
        rollMs,
        retentionMs,
        retentionBytes,
        indexIntervalBytes,
        indexSizeMaxBytes,
        flushIntervalMs,
        flushIntervalMessages,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        maxMessageBytes);
  }

  public LogConfig withRollMs(long value) {
    return new LogConfig(
        logDirs,
        segmentBytes,
        value,
        retentionMs,
        retentionBytes,
        indexIntervalBytes,
        indexSizeMaxBytes,
        flushIntervalMs,
        flushIntervalMessages,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        maxMessageBytes);
  }

  public LogConfig withRetention(long ms, long bytes) {
    return new LogConfig(
        logDirs,
        segmentBytes,
        rollMs,
        ms,
        bytes,
        indexIntervalBytes,
        indexSizeMaxBytes,
        flushIntervalMs,
        flushIntervalMessages,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        maxMessageBytes);
  }

  public LogConfig withIndex(int intervalBytes, int sizeMaxBytes) {
    return new LogConfig(
        logDirs,
        segmentBytes,
        rollMs,
        retentionMs,
        retentionBytes,
        intervalBytes,
        sizeMaxBytes,
        flushIntervalMs,
        flushIntervalMessages,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        maxMessageBytes);
  }

  public LogConfig withFlush(long intervalMs, long intervalMessages) {
    return new LogConfig(
        logDirs,
        segmentBytes,
        rollMs,
        retentionMs,
        retentionBytes,
        indexIntervalBytes,
        indexSizeMaxBytes,
        intervalMs,
        intervalMessages,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        maxMessageBytes);
  }

  public LogConfig withMaxMessageBytes(int value) {
    return new LogConfig(
        logDirs,
        segmentBytes,
        rollMs,
        retentionMs,
        retentionBytes,
        indexIntervalBytes,
        indexSizeMaxBytes,
        flushIntervalMs,
        flushIntervalMessages,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        value);
  }

  private static void require(boolean ok, String key, long value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(key + "=" + value + " is invalid: must be " + rule);
    }
  }
}
