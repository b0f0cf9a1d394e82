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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partitions of one broker, over the directories of {@code log.dirs}.
 *
 * <p>{@link #open} recovers every partition it finds (see {@link LogLoader}), starts one flusher
 * thread per directory and a scheduler thread for retention and checkpoints. {@link #close} flushes
 * everything, writes the checkpoints and, only if no I/O error happened, the clean-shutdown marker
 * that lets the next start skip the scan.
 *
 * <p>Files per log directory (Kafka's names): {@code .lock} (locked by the broker that owns the
 * directory, before anything else in it is read; see {@link LogDirLock}), {@code
 * .kafka_cleanshutdown}, {@code recovery-point-offset-checkpoint}, {@code
 * log-start-offset-checkpoint}, and one {@code <topic>-<partition>} directory per partition.
 *
 * <p>Thread safety: thread-safe. Creating and deleting partitions and writing checkpoints are
 * serialized by this object's monitor; lookups are lock-free.
 */
public final class LogManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

  private final LogConfig config;
  private final Clock clock;
  private final FileIo io;
  private final List<LogDirectory> directories = new ArrayList<>();
  private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
  private final Map<Log, LogDirectory> owners = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final SegmentDeleter deleter = new SegmentDeleter();
  private final List<LogDirLock> locks = new ArrayList<>();
  private final Object checkpointLock = new Object();
  private RecoveryReport lastRecovery = RecoveryReport.empty();
  private boolean closed;

  private LogManager(LogConfig config, Clock clock, FileIo io) {
    this.config = config;
    this.clock = clock;
    this.io = io;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-log-retention");
              t.setDaemon(true);
              return t;
            });
  }

  /** Recovers every partition found in {@code config.logDirs()} and starts the background work. */
  public static LogManager open(LogConfig config, Clock clock) {
    return open(config, clock, FileIo.system());
  }

  static LogManager open(LogConfig config, Clock clock, FileIo io) {
    LogManager manager = new LogManager(config, clock, io);
    try {
      manager.lockDirectories();
      manager.load();
    } catch (IOException | RuntimeException e) {
      manager.scheduler.shutdownNow();
      for (LogDirectory d : manager.directories) {
        d.stopFlusher();
      }
      manager.deleter.close();
      manager.unlockDirectories();
      if (e instanceof SluiceException s) {
        throw s;
      }
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, "cannot open the log directories: " + e, e);
    }
    long retention = config.retentionCheckIntervalMs();
    manager.scheduler.scheduleWithFixedDelay(
        manager::runRetention, retention, retention, TimeUnit.MILLISECONDS);
    long checkpoint = config.checkpointIntervalMs();
    manager.scheduler.scheduleWithFixedDelay(
        manager::writeCheckpoints, checkpoint, checkpoint, TimeUnit.MILLISECONDS);
    return manager;
  }

  /**
   * Takes every directory's {@code .lock} before anything in them is read, so that a second broker
   * on the same directories stops here, naming the directory and the holder's pid.
   */
  private synchronized void lockDirectories() throws IOException {
    for (Path path : config.logDirs()) {
      Files.createDirectories(path);
      locks.add(LogDirLock.acquire(path));
    }
  }

  private synchronized void unlockDirectories() {
    locks.forEach(LogDirLock::close);
    locks.clear();
  }

  private synchronized void load() throws IOException {
    long started = System.nanoTime();
    List<RecoveryReport.PartitionRecovery> reports = new ArrayList<>();
    int unclean = 0;
    for (Path path : config.logDirs()) {
      Files.createDirectories(path);
      LogDirectory directory = new LogDirectory(path, config, clock);
      directories.add(directory);
      Path marker = path.resolve(LogFiles.CLEAN_SHUTDOWN);
      List<Path> subdirectories = listDirectories(path);
      // A directory without partitions (a first start: only the lock and meta.properties) has
      // nothing to recover, so it is clean whatever else it holds.
      boolean clean = Files.exists(marker) || !holdsPartitions(subdirectories);
      Map<TopicPartition, Long> recoveryPoints =
          readCheckpoint(path, LogFiles.RECOVERY_POINT_CHECKPOINT);
      Map<TopicPartition, Long> logStarts = readCheckpoint(path, LogFiles.LOG_START_CHECKPOINT);
      if (!clean) {
        unclean++;
      }
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
        LogLoader.Loaded loaded =
            LogLoader.load(
                tp,
                sub,
                config,
                io,
                clock.millis(),
                clean,
                recoveryPoint,
                logStarts.getOrDefault(tp, 0L));
        if (!clean) {
          io.fsyncDirectory(sub); // segments the loader deleted stay deleted
        }
        reports.add(loaded.report());
        register(
            tp,
            directory,
            new Log(
                tp,
                sub,
                config,
                clock,
                io,
                directory,
                loaded.segments(),
                loaded.nextOffset(),
                clean ? loaded.nextOffset() : recoveryPoint));
      }
      // From here on a crash is unclean again.
      io.deleteIfExists(marker);
      io.fsyncDirectory(path);
      directory.start();
      if (!clean) {
        directory.logs().forEach(directory::requestFlush); // make what recovery kept durable
      }
    }
    long durationMs = (System.nanoTime() - started) / 1_000_000;
    lastRecovery = new RecoveryReport(reports, unclean, durationMs);
    LOG.info(
        "loaded {} partition(s) from {} log dir(s) in {} ms: {} unclean dir(s), {} segment(s)"
            + " scanned ({} bytes), {} bytes truncated",
        reports.size(),
        directories.size(),
        durationMs,
        unclean,
        lastRecovery.segmentsScanned(),
        lastRecovery.bytesScanned(),
        lastRecovery.bytesTruncated());
  }

  private static Map<TopicPartition, Long> readCheckpoint(Path dir, String name) {
    try {
      return Checkpoint.read(dir.resolve(name));
    } catch (IOException e) {
      // A torn checkpoint cannot happen (rename), but a damaged one must not stop the broker:
      // starting from 0 only costs a longer scan.
      LOG.warn("ignoring unreadable checkpoint {}: {}", dir.resolve(name), e.getMessage());
      return Map.of();
    }
  }

  private void register(TopicPartition tp, LogDirectory directory, Log log) {
    logs.put(tp, log);
    owners.put(log, directory);
    directory.add(log);
  }

  public Optional<Log> log(TopicPartition tp) {
    return Optional.ofNullable(logs.get(tp));
  }

  /** Returns the partition's log, creating an empty one in the least loaded directory. */
  public synchronized Log createLog(TopicPartition tp) {
    Log existing = logs.get(tp);
    if (existing != null) {
      return existing;
    }
    if (closed) {
      throw new SluiceException(Errors.KAFKA_STORAGE_ERROR, "the log manager is closed");
    }
    LogDirectory directory =
        directories.stream()
            .filter(d -> !d.isOffline())
            .min(Comparator.comparingInt(d -> d.logs().size()))
            .orElseThrow(
                () -> new SluiceException(Errors.KAFKA_STORAGE_ERROR, "every log dir is offline"));
    Path sub = directory.path.resolve(tp.directoryName());
    try {
      Files.createDirectories(sub);
      io.fsyncDirectory(directory.path);
      LogLoader.Loaded loaded = LogLoader.load(tp, sub, config, io, clock.millis(), false, 0, 0);
      io.fsyncDirectory(sub);
      Log log =
          new Log(tp, sub, config, clock, io, directory, loaded.segments(), loaded.nextOffset(), 0);
      register(tp, directory, log);
      return log;
    } catch (IOException e) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, "cannot create " + sub + ": " + e.getMessage(), e);
    }
  }

  public Set<String> topics() {
    Set<String> topics = new TreeSet<>();
    logs.keySet().forEach(tp -> topics.add(tp.topic()));
    return topics;
  }

  public int partitionCount(String topic) {
    return (int) logs.keySet().stream().filter(tp -> tp.topic().equals(topic)).count();
  }

  /** Closes the topic's logs and deletes their directories (leased segments close later). */
  public synchronized void deleteTopic(String topic) {
    for (TopicPartition tp : new ArrayList<>(logs.keySet())) {
      if (!tp.topic().equals(topic)) {
        continue;
      }
      Log log = logs.remove(tp);
      LogDirectory directory = owners.remove(log);
      directory.remove(log);
      log.close();
      Path doomed =
          log.directory.resolveSibling(
              tp.directoryName()
                  + "."
                  + UUID.randomUUID().toString().replace("-", "")
                  + LogFiles.DELETE_DIR_SUFFIX);
      try {
        io.move(log.directory, doomed);
        io.fsyncDirectory(directory.path);
        deleteRecursively(doomed);
      } catch (IOException e) {
        LOG.warn("{}: deleting {} failed; it is removed at the next start", tp, log.directory, e);
      }
    }
  }

  public RecoveryReport lastRecovery() {
    return lastRecovery;
  }

  /** One retention pass over every partition; runs on the scheduler thread (and in tests). */
  void runRetention() {
    long now = clock.millis();
    for (LogDirectory directory : directories) {
      if (directory.isOffline()) {
        continue;
      }
      for (Log log : directory.logs()) {
        List<LogSegment> removed = log.removeExpiredSegments(now);
        if (removed.isEmpty()) {
          continue;
        }
        try {
          // The new log start must be durable before any file disappears (see LogLoader).
          writeCheckpoints(directory);
          for (LogSegment segment : removed) {
            segment.renameForDeletion(deleter);
          }
          io.fsyncDirectory(log.directory);
        } catch (IOException e) {
          directory.markOffline(e);
        } finally {
          removed.forEach(LogSegment::release);
        }
      }
    }
  }

  /** Writes both checkpoints of every online directory. */
  void writeCheckpoints() {
    for (LogDirectory directory : directories) {
      if (directory.isOffline()) {
        continue;
      }
      try {
        writeCheckpoints(directory);
      } catch (IOException e) {
        directory.markOffline(e);
      }
    }
  }

  private void writeCheckpoints(LogDirectory directory) throws IOException {
    synchronized (checkpointLock) {
      writeCheckpointsLocked(directory);
    }
  }

  private void writeCheckpointsLocked(LogDirectory directory) throws IOException {
    Map<TopicPartition, Long> recoveryPoints = new HashMap<>();
    Map<TopicPartition, Long> logStarts = new HashMap<>();
    for (Log log : directory.logs()) {
      recoveryPoints.put(log.topicPartition, log.flushedOffset());
      logStarts.put(log.topicPartition, log.logStartOffset());
    }
    Checkpoint.write(io, directory.path.resolve(LogFiles.LOG_START_CHECKPOINT), logStarts);
    Checkpoint.write(
        io, directory.path.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), recoveryPoints);
  }

  /**
   * Flushes every partition, writes the checkpoints and the clean-shutdown marker (only for
   * directories that saw no I/O error), and closes the logs.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closeDirectories();
      deleter.close();
      unlockDirectories();
    }
  }

  /** Segments retention renamed whose files are not unlinked yet (tests wait for 0). */
  int pendingDeletions() {
    return deleter.pending();
  }

  private void closeDirectories() {
    for (LogDirectory directory : directories) {
      // Appends stop first, so that nothing lands after the final flush that the marker vouches
      // for.
      directory.logs().forEach(Log::stopAppends);
      directory.stopFlusher();
      boolean flushed = directory.flushAll();
      for (Log log : directory.logs()) {
        log.close();
      }
      if (flushed && !directory.isOffline()) {
        try {
          writeCheckpoints(directory);
          Path marker = directory.path.resolve(LogFiles.CLEAN_SHUTDOWN);
          try (FileChannel ch =
              io.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
          io.fsyncDirectory(directory.path);
        } catch (IOException e) {
          LOG.error(
              "log directory {}: clean shutdown failed; next start recovers", directory.path, e);
        }
      }
    }
    logs.clear();
  }

  /**
   * Stops everything as a killed process would: no flush, no checkpoint, no marker, no index trim.
   * For crash tests; the page cache (the files) keeps whatever was written.
   */
  void crashForTest() {
    synchronized (this) {
      closed = true;
    }
    scheduler.shutdownNow();
    for (LogDirectory directory : directories) {
      directory.stopFlusher();
      for (Log log : directory.logs()) {
        log.abandon();
      }
    }
    logs.clear();
    deleter.close();
    unlockDirectories(); // the OS drops a dead process's locks
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
}
