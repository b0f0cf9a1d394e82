package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one partition directory and brings it to a consistent state before anyone reads it.
 *
 * <ol>
 *   <li>Removes leftovers: {@code .deleted}, {@code .tmp} and {@code .cleaned} files, indexes
 *       without a log; finishes the swap of a cleaned segment ({@code .swap}, see {@link
 *       LogCleaner}).
 *   <li>Drops segments that lie wholly below the checkpointed log start (a crash during retention).
 *   <li>After an unclean shutdown, scans every segment from the one holding the recovery point on,
 *       batch by batch (length, magic, CRC32C, offset continuity), rebuilding its indexes; at the
 *       first invalid batch truncates the segment there and deletes every later segment.
 *   <li>Otherwise (and for segments below the recovery point) sanity-checks the indexes and
 *       rebuilds those that fail; checks that each segment starts where the previous one ends.
 * </ol>
 *
 * Every loss is logged at WARN and returned in the report. Runs on the thread that opens the {@link
 * LogManager}, before the log is published.
 */
final class LogLoader {
  private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

  /** The loaded segments, the log end, and what recovery did. */
  record Loaded(
      List<LogSegment> segments, long nextOffset, RecoveryReport.PartitionRecovery report) {}

  private final TopicPartition tp;
  private final Path dir;
  private final LogConfig config;
  private final FileIo io;
  private final SegmentChannelPool pool;
  private final long now;
  private int segmentsScanned;
  private long bytesScanned;
  private long bytesTruncated;
  private int segmentsDeleted;
  private String problem;

  private LogLoader(
      TopicPartition tp, Path dir, LogConfig config, FileIo io, SegmentChannelPool pool, long now) {
    this.tp = tp;
    this.dir = dir;
    this.config = config;
    this.io = io;
    this.pool = pool;
    this.now = now;
  }

  static Loaded load(
      TopicPartition tp,
      Path dir,
      LogConfig config,
      FileIo io,
      SegmentChannelPool pool,
      long now,
      boolean cleanShutdown,
      long recoveryPoint,
      long logStartCheckpoint)
      throws IOException {
    return new LogLoader(tp, dir, config, io, pool, now)
        .load(cleanShutdown, recoveryPoint, logStartCheckpoint);
  }

  private Loaded load(boolean clean, long recoveryPoint, long logStart) throws IOException {
    TreeMap<Long, Path> logs = listSegmentsAndClean();
    // Retention checkpoints the new log start before it renames files; finish its work.
    while (logs.size() > 1 && logs.higherKey(logs.firstKey()) <= logStart) {
      long base = logs.firstKey();
      deleteFiles(base);
      logs.remove(base);
      segmentsDeleted++;
    }
    List<LogSegment> segments = new ArrayList<>();
    if (logs.isEmpty()) {
      segments.add(LogSegment.create(dir, Math.max(0, logStart), config, io, pool, now));
      return finish(segments, Math.max(0, logStart));
    }
    long expected = -1;
    boolean truncated = false;
    Long recoveryStart = logs.floorKey(recoveryPoint);
    for (long base : logs.keySet()) {
      if (truncated || (expected >= 0 && base != expected)) {
        if (!truncated) {
          lost(
              "segment "
                  + LogFiles.logName(base)
                  + " starts at "
                  + base
                  + " but the previous one"
                  + " ends at "
                  + expected);
          truncated = true;
        }
        deleteFiles(base);
        segmentsDeleted++;
        continue;
      }
      LogSegment segment = LogSegment.open(dir, base, config, io, pool, now);
      segments.add(segment);
      boolean scan = !clean && (recoveryStart == null || base >= recoveryStart);
      Long following = logs.higherKey(base);
      expected = scan ? recover(segment) : checkSealed(segment, following);
      truncated = problem != null;
    }
    return finish(segments, expected);
  }

  private Loaded finish(List<LogSegment> segments, long nextOffset) throws IOException {
    LogSegment active = segments.get(segments.size() - 1);
    active.becomeActive(config.indexSizeMaxBytes());
    if (active.maxTimestamp() >= 0) {
      active.setCreatedMs(Math.min(now, active.maxTimestamp()));
    }
    RecoveryReport.PartitionRecovery report =
        new RecoveryReport.PartitionRecovery(
            tp,
            segmentsScanned,
            bytesScanned,
            bytesTruncated,
            segmentsDeleted,
            nextOffset - 1,
            problem);
    return new Loaded(segments, nextOffset, report);
  }

  private long recover(LogSegment segment) throws IOException {
    int before = segment.size();
    SegmentScan scan = SegmentRecovery.recover(segment, config.maxMessageBytes());
    segmentsScanned++;
    bytesScanned += before;
    if (scan.problem() != null) {
      bytesTruncated += before - scan.validBytes();
      lost(
          segment.logPath
              + ": "
              + scan.problem()
              + "; truncated "
              + (before - scan.validBytes())
              + " bytes");
    }
    return scan.nextOffset();
  }

  /**
   * A segment that needs no scan (clean shutdown, or below the recovery point): check that its
   * batch sizes chain, check its indexes, and rebuild what does not hold up. Its data is durable,
   * so a corrupt batch inside it is left for reads to detect by CRC rather than truncated away;
   * only an end that cannot be trusted (sizes that do not chain, or a corrupt last batch of the
   * last segment) leads to a full scan, which truncates.
   */
  private long checkSealed(LogSegment segment, Long following) throws IOException {
    SegmentRecovery.Tail tail;
    try {
      tail = SegmentRecovery.readTail(segment);
    } catch (IOException | RuntimeException e) {
      tail = new SegmentRecovery.Tail(-1, -1);
    }
    long next = tail.nextOffset();
    if (tail.chains() && !SegmentRecovery.lastBatchValid(segment, tail, config.maxMessageBytes())) {
      if (following == null) {
        next = -1; // the log end would come from a corrupt header
      } else if (next != following) {
        LOG.warn(
            "{}: the last batch of {} is corrupt; its end is taken from the next segment",
            tp,
            segment.logPath);
        next = following;
      }
    }
    String bad =
        next < 0
            ? "its batches do not chain to the end of the file"
            : segment.offsetIndex.sanityCheck(segment.size(), next - 1);
    if (bad == null) {
      bad = segment.timeIndex.sanityCheck(next - 1);
    }
    if (bad == null && segment.size() > 0) {
      if (segment.indexFilesMissing()) {
        bad = "an index file is missing";
      } else if (segment.offsetIndex.misaligned() || segment.timeIndex.misaligned()) {
        bad = "an index file's length is not a multiple of its entry size";
      } else if (segment.offsetIndex.entries() == 0
          && segment.size() > 2L * config.indexIntervalBytes() + config.maxMessageBytes()) {
        bad = "the offset index is empty for " + segment.size() + " bytes of log";
      }
    }
    if (bad == null) {
      return next;
    }
    LOG.warn("{}: scanning {} and rebuilding its indexes: {}", tp, segment.logPath, bad);
    if (next >= 0) {
      SegmentRecovery.rebuildIndexes(segment, config.maxMessageBytes());
      return next;
    }
    return recover(segment);
  }

  private void lost(String what) {
    if (problem == null) {
      problem = what;
    }
    LOG.warn("{}: recovery: {}", tp, what);
  }

  private TreeMap<Long, Path> listSegmentsAndClean() throws IOException {
    TreeMap<Long, Path> logs = new TreeMap<>();
    List<Path> indexes = new ArrayList<>();
    List<Path> swaps = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(LogFiles.DELETED_SUFFIX)
            || name.endsWith(LogFiles.TEMP_SUFFIX)
            || name.endsWith(LogCleaner.CLEANED_SUFFIX)) {
          io.deleteIfExists(file); // a .cleaned file is a cleaning pass that had not finished
        } else if (name.endsWith(LogCleaner.SWAP_SUFFIX)) {
          swaps.add(file);
        } else if (LogFiles.baseOffset(name, LogFiles.LOG_SUFFIX) >= 0) {
          logs.put(LogFiles.baseOffset(name, LogFiles.LOG_SUFFIX), file);
        } else if (LogFiles.baseOffset(name, LogFiles.INDEX_SUFFIX) >= 0
            || LogFiles.baseOffset(name, LogFiles.TIME_INDEX_SUFFIX) >= 0) {
          indexes.add(file);
        }
      }
    }
    for (Path swap : swaps) {
      finishSwap(swap, logs);
    }
    if (!swaps.isEmpty()) {
      io.fsyncDirectory(dir);
    }
    for (Path index : indexes) {
      String name = index.getFileName().toString();
      long base =
          Math.max(
              LogFiles.baseOffset(name, LogFiles.INDEX_SUFFIX),
              LogFiles.baseOffset(name, LogFiles.TIME_INDEX_SUFFIX));
      if (!logs.containsKey(base)) {
        LOG.warn("{}: deleting orphan index {}", tp, index);
        io.deleteIfExists(index);
      }
    }
    return logs;
  }

  /**
   * A cleaned segment {@code N.log.swap} is complete and durable (the cleaner fsyncs it before the
   * rename), so it replaces segment {@code N}: the old files go (their indexes describe the old
   * bytes), the swap file becomes {@code N.log}, and its indexes are rebuilt when it is opened.
   */
  private void finishSwap(Path swap, TreeMap<Long, Path> logs) throws IOException {
    String name = swap.getFileName().toString();
    long base =
        LogFiles.baseOffset(
            name.substring(0, name.length() - LogCleaner.SWAP_SUFFIX.length()),
            LogFiles.LOG_SUFFIX);
    if (base < 0) {
      return;
    }
    LOG.info("{}: finishing the swap of cleaned segment {}", tp, name);
    io.deleteIfExists(dir.resolve(LogFiles.indexName(base)));
    io.deleteIfExists(dir.resolve(LogFiles.timeIndexName(base)));
    Path log = dir.resolve(LogFiles.logName(base));
    io.move(swap, log);
    logs.put(base, log);
  }

  private void deleteFiles(long base) throws IOException {
    LOG.warn("{}: deleting segment {}", tp, LogFiles.logName(base));
    io.deleteIfExists(dir.resolve(LogFiles.logName(base)));
    io.deleteIfExists(dir.resolve(LogFiles.indexName(base)));
    io.deleteIfExists(dir.resolve(LogFiles.timeIndexName(base)));
  }
}
