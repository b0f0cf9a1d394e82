package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One entry of {@code log.dirs} and everything done per directory: loading (recovery) of its
 * partitions, their creation and deletion, its two checkpoints, its clean-shutdown marker, its
 * retention passes, its flusher thread, and whether it is online. {@link LogManager} routes
 * partitions to directories and owns the threads that call in here.
 *
 * <p>Once an I/O error that may have lost data happens (a failed fsync, a write that could not be
 * undone), the directory goes offline for good: every append and every flush waiter fails with
 * {@code KAFKA_STORAGE_ERROR}, nothing is retried as if the error had not happened (fsync errors
 * mark dirty pages clean), and no clean-shutdown marker is written. Reads keep working. Restarting
 * the broker runs recovery from the last durable point.
 *
 * <p>Thread safety: the offline state is a volatile written once; the log set is concurrent.
 * Checkpoint writes are serialized by a lock of their own (the retention thread and the checkpoint
 * timer both write them). Creation, deletion, load and close are serialized by the {@link
 * LogManager}.
 */
final class LogDirectory implements LogHost {
  private static final Logger LOG = LoggerFactory.getLogger(LogDirectory.class);

  final Path path;
  private final LogConfig config;
  private final Clock clock;
  private final FileIo io;
  private final SegmentDeleter deleter;
  private final SegmentChannelPool pool;
  private final Set<Log> logs = ConcurrentHashMap.newKeySet();
  private final Flusher flusher;
  private final Object checkpointLock = new Object();
  private volatile Throwable failure;
  private volatile FlushObserver flushObserver = FlushObserver.NONE;

  LogDirectory(
      Path path,
      LogConfig config,
      Clock clock,
      FileIo io,
      SegmentDeleter deleter,
      SegmentChannelPool pool) {
    this.path = path;
    this.config = config;
    this.clock = clock;
    this.io = io;
    this.deleter = deleter;
    this.pool = pool;
    this.flusher = new Flusher(this, config, clock);
  }

  /** What {@link #load} found: a report per partition, and whether the directory was clean. */
  record Loaded(List<Log> logs, List<RecoveryReport.PartitionRecovery> reports, boolean clean) {}

  /**
   * Recovers every partition in the directory (see {@link LogLoader}), removes interrupted topic
   * deletions, deletes the clean-shutdown marker (from here on a crash is unclean) and starts the
   * flusher. The caller holds the directory's lock.
   */
  Loaded load() throws IOException {
    Path marker = path.resolve(LogFiles.CLEAN_SHUTDOWN);
    List<Path> subdirectories = listDirectories(path);
    // A directory without partitions (a first start: only the lock and meta.properties) has
    // nothing to recover, so it is clean whatever else it holds.
    boolean clean = Files.exists(marker) || !holdsPartitions(subdirectories);
    Map<TopicPartition, Long> recoveryPoints = readCheckpoint(LogFiles.RECOVERY_POINT_CHECKPOINT);
    Map<TopicPartition, Long> logStarts = readCheckpoint(LogFiles.LOG_START_CHECKPOINT);
    List<RecoveryReport.PartitionRecovery> reports = new ArrayList<>();
    List<Log> loaded = new ArrayList<>();
    for (Path sub : subdirectories) {
      String name = sub.getFileName().toString();
      if (name.endsWith(LogFiles.DELETE_DIR_SUFFIX)) {
        deleteRecursively(sub);
        continue;
      }
      TopicPartition tp = TopicPartition.parseDirectoryName(name);
      if (tp == null) {
        LOG.warn("ignoring {}: not a partition directory", sub);
        continue;
      }
      long recoveryPoint = recoveryPoints.getOrDefault(tp, 0L);
      LogLoader.Loaded partition =
          LogLoader.load(
              tp,
              sub,
              config,
              io,
              pool,
              clock.millis(),
              clean,
              recoveryPoint,
              logStarts.getOrDefault(tp, 0L));
      if (!clean) {
        io.fsyncDirectory(sub); // segments the loader deleted stay deleted
      }
      reports.add(partition.report());
      Log log =
          new Log(
              tp,
              sub,
              config,
              clock,
              io,
              pool,
              this,
              partition.segments(),
              partition.nextOffset(),
              clean ? partition.nextOffset() : recoveryPoint);
      log.restoreLogStart(logStarts.getOrDefault(tp, 0L));
      logs.add(log);
      loaded.add(log);
    }
    // From here on a crash is unclean again.
    io.deleteIfExists(marker);
    io.fsyncDirectory(path);
    flusher.start();
    if (!clean) {
      logs.forEach(this::requestFlush); // make what recovery kept durable
    }
    return new Loaded(loaded, reports, clean);
  }

  FlushObserver flushObserver() {
    return flushObserver;
  }

  void flushObserver(FlushObserver observer) {
    this.flushObserver = observer;
  }

  /** Creates an empty partition in this directory. */
  Log create(TopicPartition tp) {
    return create(tp, Map.of(), config);
  }

  /**
   * Creates an empty partition in this directory whose topic has {@code overrides} (stored in the
   * partition directory before its log exists), so that its log runs with {@code effective}.
   */
  Log create(TopicPartition tp, Map<String, String> overrides, LogConfig effective) {
    Path sub = path.resolve(tp.directoryName());
    try {
      Files.createDirectories(sub);
      io.fsyncDirectory(path);
      TopicConfigFile.write(io, sub, overrides);
      LogLoader.Loaded loaded =
          LogLoader.load(tp, sub, effective, io, pool, clock.millis(), false, 0, 0);
      io.fsyncDirectory(sub);
      Log log =
          new Log(
              tp, sub, effective, clock, io, pool, this, loaded.segments(), loaded.nextOffset(), 0);
      logs.add(log);
      return log;
    } catch (IOException e) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, "cannot create " + sub + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes {@code log} and deletes its directory: renamed to {@code *-delete} first (durable), so
   * that a crash midway leaves a directory the next start removes. Leased segments close later.
   */
  void delete(Log log) {
    logs.remove(log);
    log.close();
    Path doomed =
        log.directory.resolveSibling(
            log.topicPartition.directoryName()
                + "."
                + UUID.randomUUID().toString().replace("-", "")
                + LogFiles.DELETE_DIR_SUFFIX);
    try {
      io.move(log.directory, doomed);
      io.fsyncDirectory(path);
      deleteRecursively(doomed);
    } catch (IOException e) {
      LOG.warn(
          "{}: deleting {} failed; it is removed at the next start",
          log.topicPartition,
          log.directory,
          e);
    }
  }

  Set<Log> logs() {
    return logs;
  }

  /**
   * One retention pass over the directory's partitions: each partition's expired segments leave the
   * log, the new log starts are checkpointed, then the files are renamed to {@code .deleted} and
   * handed to the deleter, which unlinks them once their last lease ends.
   */
  void runRetention(long now) {
    if (isOffline()) {
      return;
    }
    for (Log log : logs) {
      List<LogSegment> removed = log.removeExpiredSegments(now);
      if (removed.isEmpty()) {
        continue;
      }
      try {
        // The new log start must be durable before any file disappears (see LogLoader).
        writeCheckpointsOrThrow();
        for (LogSegment segment : removed) {
          segment.renameForDeletion(deleter);
        }
        io.fsyncDirectory(log.directory);
      } catch (IOException e) {
        markOffline(e);
      } finally {
        removed.forEach(LogSegment::release);
      }
    }
  }

  /**
   * DeleteRecords on one of this directory's logs: the log start moves (see {@link
   * Log#advanceLogStart}), the new start is checkpointed durably, then the segments wholly below it
   * are renamed and handed to the deleter. Returns the new log start (the low watermark).
   */
  long deleteRecords(Log log, long offset) {
    ensureOnline();
    List<LogSegment> removed = log.advanceLogStart(offset);
    try {
      writeCheckpointsOrThrow();
      for (LogSegment segment : removed) {
        segment.renameForDeletion(deleter);
      }
      if (!removed.isEmpty()) {
        io.fsyncDirectory(log.directory);
      }
    } catch (IOException e) {
      markOffline(e);
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR,
          log.topicPartition + ": deleting records failed: " + e.getMessage(),
          e);
    } finally {
      removed.forEach(LogSegment::release);
    }
    return log.logStartOffset();
  }

  @Override
  public void truncated(Log log, List<LogSegment> removed) throws IOException {
    try {
      for (LogSegment segment : removed) {
        segment.renameForDeletion(deleter);
      }
      io.fsyncDirectory(log.directory);
      writeCheckpointsOrThrow();
    } finally {
      removed.forEach(LogSegment::release);
    }
  }

  /** Writes both checkpoints; a failure takes the directory offline. */
  void writeCheckpoints() {
    if (isOffline()) {
      return;
    }
    try {
      writeCheckpointsOrThrow();
    } catch (IOException e) {
      markOffline(e);
    }
  }

  private void writeCheckpointsOrThrow() throws IOException {
    synchronized (checkpointLock) {
      Map<TopicPartition, Long> recoveryPoints = new HashMap<>();
      Map<TopicPartition, Long> logStarts = new HashMap<>();
      for (Log log : logs) {
        recoveryPoints.put(log.topicPartition, log.flushedOffset());
        logStarts.put(log.topicPartition, log.logStartOffset());
      }
      Checkpoint.write(io, path.resolve(LogFiles.LOG_START_CHECKPOINT), logStarts);
      Checkpoint.write(io, path.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), recoveryPoints);
    }
  }

  /**
   * The clean shutdown of the directory: appends stop first (so that nothing lands after the final
   * flush that the marker vouches for), the flusher stops, everything is flushed, the logs close,
   * and only if no I/O error happened the checkpoints and then the clean-shutdown marker are
   * written.
   */
  void close() {
    logs.forEach(Log::stopAppends);
    flusher.stop();
    boolean flushed = flushAll();
    for (Log log : logs) {
      log.close();
    }
    if (flushed && !isOffline()) {
      try {
        writeCheckpointsOrThrow();
        Path marker = path.resolve(LogFiles.CLEAN_SHUTDOWN);
        try (FileChannel ch =
            io.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        io.fsyncDirectory(path);
      } catch (IOException e) {
        LOG.error("log directory {}: clean shutdown failed; next start recovers", path, e);
      }
    }
  }

  /** Stops as a killed process would: no flush, no checkpoint, no marker (crash tests). */
  void crash() {
    flusher.stop();
    for (Log log : logs) {
      log.abandon();
    }
  }

  /** Stops the flusher without flushing (a failed open). */
  void stopFlusher() {
    flusher.stop();
  }

  @Override
  public void requestFlush(Log log) {
    flusher.request(log);
  }

  boolean isOffline() {
    return failure != null;
  }

  @Override
  public Throwable failure() {
    return failure;
  }

  @Override
  public void ensureOnline() {
    Throwable f = failure;
    if (f != null) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, "log directory " + path + " is offline: " + f, f);
    }
  }

  /** Takes the directory offline (first failure wins) and fails every flush waiter. */
  @Override
  public void markOffline(Throwable cause) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
    }
    LOG.error("log directory {} is offline after an I/O failure", path, cause);
    for (Log log : logs) {
      log.failWaiters(cause);
    }
  }

  /** Flushes every log now (clean shutdown); false if the directory is or went offline. */
  boolean flushAll() {
    if (isOffline()) {
      return false;
    }
    for (Log log : logs) {
      try {
        log.flushNow();
      } catch (IOException | RuntimeException e) {
        markOffline(e);
        return false;
      }
    }
    return true;
  }

  /**
   * The log cleaner's first-dirty offsets stored in this directory ({@code
   * cleaner-offset-checkpoint}, Kafka's name and format): where each compacted log's next pass
   * starts, so that a restart does not clean again what was cleaned. Empty when there is none.
   */
  Map<TopicPartition, Long> readCleanerCheckpoint() {
    return readCheckpoint(LogFiles.CLEANER_CHECKPOINT);
  }

  /**
   * Stores the first-dirty offsets of this directory's logs found in {@code firstDirty} (the
   * broker-wide map); the others are left out. Durable when it returns.
   */
  void writeCleanerCheckpoint(Map<TopicPartition, Long> firstDirty) throws IOException {
    synchronized (checkpointLock) {
      Map<TopicPartition, Long> own = new HashMap<>();
      for (Log log : logs) {
        Long offset = firstDirty.get(log.topicPartition);
        if (offset != null) {
          own.put(log.topicPartition, offset);
        }
      }
      Checkpoint.write(io, path.resolve(LogFiles.CLEANER_CHECKPOINT), own);
    }
  }

  private Map<TopicPartition, Long> readCheckpoint(String name) {
    try {
      return Checkpoint.read(path.resolve(name));
    } catch (IOException e) {
      // A torn checkpoint cannot happen (rename), but a damaged one must not stop the broker:
      // starting from 0 only costs a longer scan.
      LOG.warn("ignoring unreadable checkpoint {}: {}", path.resolve(name), e.getMessage());
      return Map.of();
    }
  }

  private static boolean holdsPartitions(List<Path> subdirectories) {
    return subdirectories.stream()
        .anyMatch(p -> TopicPartition.parseDirectoryName(p.getFileName().toString()) != null);
  }

  private static List<Path> listDirectories(Path path) throws IOException {
    List<Path> result = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, Files::isDirectory)) {
      entries.forEach(result::add);
    }
    result.sort(Comparator.naturalOrder());
    return result;
  }

  private void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        io.deleteIfExists(p);
      }
    }
  }

  @Override
  public String toString() {
    return "LogDirectory[" + path + (isOffline() ? ", offline" : "") + "]";
  }
}
