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
 * @param timestampAfterMaxMs {@code message.timestamp.after.max.ms} (default 1 hour, Kafka 4's): a
 *     record whose CreateTime is further ahead of the broker's clock is refused with {@code
 *     INVALID_TIMESTAMP}
 * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms} (default Long.MAX_VALUE: no
 *     limit): the same for a CreateTime further behind the clock
 * @param idleSegmentFilesMax {@code log.segment.idle.files.max} (Sluice's; default 256): how many
 *     sealed segments' {@code .log} files stay open with no reader, over all partitions; the least
 *     recently read beyond that are closed and opened again on demand
 * @param cleaner the log cleaner's settings ({@link CleanerConfig})
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
    int maxMessageBytes,
    long timestampAfterMaxMs,
    long timestampBeforeMaxMs,
    int idleSegmentFilesMax,
    CleanerConfig cleaner) {

  /**
   * The log cleaner's settings (Kafka's keys; defaults in parentheses).
   *
   * @param enable {@code log.cleaner.enable} (true): run the cleaner threads
   * @param threads {@code log.cleaner.threads} (1)
   * @param dedupeBufferSize {@code log.cleaner.dedupe.buffer.size} (128 MiB): the key-offset maps'
   *     memory over all threads, allocated when a thread first cleans
   * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second} (unlimited): per thread
   * @param backoffMs {@code log.cleaner.backoff.ms} (15 s): a thread's sleep when nothing is dirty
   */
  public record CleanerConfig(
      boolean enable,
      int threads,
      long dedupeBufferSize,
      long ioMaxBytesPerSecond,
      long backoffMs) {
    public static final CleanerConfig DEFAULTS =
        new CleanerConfig(true, 1, 128L << 20, Long.MAX_VALUE, 15_000);

    public CleanerConfig {
      require(threads >= 1, "log.cleaner.threads", threads, ">= 1");
      require(
          dedupeBufferSize / threads >= 48 && dedupeBufferSize / threads <= Integer.MAX_VALUE - 8,
          "log.cleaner.dedupe.buffer.size",
          dedupeBufferSize,
          "per thread between 48 bytes and 2 GiB");
      require(
          ioMaxBytesPerSecond >= 1,
          "log.cleaner.io.max.bytes.per.second",
          ioMaxBytesPerSecond,
          ">= 1");
      require(backoffMs >= 1, "log.cleaner.backoff.ms", backoffMs, ">= 1");
    }

    /** One thread's share of the map memory. */
    int mapBytesPerThread() {
      return (int) (dedupeBufferSize / threads);
    }
  }

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
    require(
        timestampAfterMaxMs >= 0, "message.timestamp.after.max.ms", timestampAfterMaxMs, ">= 0");
    require(
        timestampBeforeMaxMs >= 0, "message.timestamp.before.max.ms", timestampBeforeMaxMs, ">= 0");
    require(idleSegmentFilesMax >= 0, "log.segment.idle.files.max", idleSegmentFilesMax, ">= 0");
  }

  /** Kafka's defaults (and Sluice's flush interval) over the given log directories. */
  public static LogConfig defaults(List<Path> logDirs) {
    return builder(logDirs).build();
  }

  /** A builder preset with {@link #defaults}; nothing is validated before {@link Builder#build}. */
  public static Builder builder(List<Path> logDirs) {
    return new Builder(logDirs);
  }

  /** A builder preset with this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder(logDirs);
    b.segmentBytes = segmentBytes;
    b.rollMs = rollMs;
    b.retentionMs = retentionMs;
    b.retentionBytes = retentionBytes;
    b.indexIntervalBytes = indexIntervalBytes;
    b.indexSizeMaxBytes = indexSizeMaxBytes;
    b.flushIntervalMs = flushIntervalMs;
    b.flushIntervalMessages = flushIntervalMessages;
    b.retentionCheckIntervalMs = retentionCheckIntervalMs;
    b.checkpointIntervalMs = checkpointIntervalMs;
    b.maxMessageBytes = maxMessageBytes;
    b.timestampAfterMaxMs = timestampAfterMaxMs;
    b.timestampBeforeMaxMs = timestampBeforeMaxMs;
    b.idleSegmentFilesMax = idleSegmentFilesMax;
    b.cleaner = cleaner;
    return b;
  }

  /**
   * Collects settings for one {@link LogConfig}; {@link #build} validates them all at once.
   *
   * <p>Not thread-safe: a builder belongs to the thread that fills it.
   */
  public static final class Builder {
    private final List<Path> logDirs;
    private int segmentBytes = 1 << 30;
    private long rollMs = 7 * DAY_MS;
    private long retentionMs = 7 * DAY_MS;
    private long retentionBytes = -1;
    private int indexIntervalBytes = 4096;
    private int indexSizeMaxBytes = 10 * 1024 * 1024;
    private long flushIntervalMs = 1000;
    private long flushIntervalMessages = Long.MAX_VALUE;
    private long retentionCheckIntervalMs = 5 * 60 * 1000L;
    private long checkpointIntervalMs = 60_000;
    private int maxMessageBytes = 1024 * 1024 + 12;
    private long timestampAfterMaxMs = 60 * 60 * 1000L;
    private long timestampBeforeMaxMs = Long.MAX_VALUE;
    private int idleSegmentFilesMax = 256;
    private CleanerConfig cleaner = CleanerConfig.DEFAULTS;

    private Builder(List<Path> logDirs) {
      this.logDirs = logDirs;
    }

    public Builder segmentBytes(int value) {
      this.segmentBytes = value;
      return this;
    }

    public Builder rollMs(long value) {
      this.rollMs = value;
      return this;
    }

    public Builder retentionMs(long value) {
      this.retentionMs = value;
      return this;
    }

    public Builder retentionBytes(long value) {
      this.retentionBytes = value;
      return this;
    }

    public Builder indexIntervalBytes(int value) {
      this.indexIntervalBytes = value;
      return this;
    }

    public Builder indexSizeMaxBytes(int value) {
      this.indexSizeMaxBytes = value;
      return this;
    }

    public Builder flushIntervalMs(long value) {
      this.flushIntervalMs = value;
      return this;
    }

    public Builder flushIntervalMessages(long value) {
      this.flushIntervalMessages = value;
      return this;
    }

    public Builder retentionCheckIntervalMs(long value) {
      this.retentionCheckIntervalMs = value;
      return this;
    }

    public Builder checkpointIntervalMs(long value) {
      this.checkpointIntervalMs = value;
      return this;
    }

    public Builder maxMessageBytes(int value) {
      this.maxMessageBytes = value;
      return this;
    }

    public Builder timestampAfterMaxMs(long value) {
      this.timestampAfterMaxMs = value;
      return this;
    }

    public Builder timestampBeforeMaxMs(long value) {
      this.timestampBeforeMaxMs = value;
      return this;
    }

    public Builder idleSegmentFilesMax(int value) {
      this.idleSegmentFilesMax = value;
      return this;
    }

    public Builder cleaner(CleanerConfig value) {
      this.cleaner = Objects.requireNonNull(value);
      return this;
    }

    public LogConfig build() {
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
          maxMessageBytes,
          timestampAfterMaxMs,
          timestampBeforeMaxMs,
          idleSegmentFilesMax,
          cleaner);
    }
  }

  private static void require(boolean ok, String key, long value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(key + "=" + value + " is invalid: must be " + rule);
    }
  }
}
