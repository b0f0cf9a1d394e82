package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partitions of one broker, over the directories of {@code log.dirs}: which directory holds
 * which partition, and the threads that drive the directories.
 *
 * <p>{@link #open} locks every directory (see {@link LogDirLock}) before it reads anything, then
 * has each {@link LogDirectory} recover its partitions and start its flusher, and starts a
 * scheduler thread for retention and checkpoints and the {@link SegmentDeleter} thread. {@link
 * #close} closes every directory (flush, checkpoints and, only if no I/O error happened, the
 * clean-shutdown marker that lets the next start skip the scan), then unlocks them.
 *
 * <p>Files per log directory (Kafka's names): {@code .lock} (locked by the broker that owns the
 * directory), {@code .kafka_cleanshutdown}, {@code recovery-point-offset-checkpoint}, {@code
 * log-start-offset-checkpoint}, and one {@code <topic>-<partition>} directory per partition.
 *
 * <p>Thread safety: thread-safe. Creating and deleting partitions, loading and closing are
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
  private final Map<TopicPartition, Long> firstDirtyOffsets = LogCleaner.newDirtyOffsets();
  private final Set<TopicPartition> cleaning = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService cleaners;
  private final SegmentChannelPool pool;
  private final List<LogDirLock> locks = new ArrayList<>();
  private RecoveryReport lastRecovery = RecoveryReport.empty();
  private volatile boolean closed;

  private LogManager(LogConfig config, Clock clock, FileIo io) {
    this.config = config;
    this.clock = clock;
    this.io = io;
    this.pool = new SegmentChannelPool(config.idleSegmentFilesMax());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-log-retention");
              t.setDaemon(true);
              return t;
            });
    int[] cleanerIndex = {0};
    this.cleaners =
        Executors.newScheduledThreadPool(
            config.cleaner().threads(),
            r -> {
              Thread t = new Thread(r, "sluice-log-cleaner-" + cleanerIndex[0]++);
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
      manager.cleaners.shutdownNow();
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
    if (config.cleaner().enable()) {
      long backoff = config.cleaner().backoffMs();
      for (int i = 0; i < config.cleaner().threads(); i++) {
        LogCleaner[] own = new LogCleaner[1]; // created at the first pass: the map is large
        manager.cleaners.scheduleWithFixedDelay(
            () -> manager.cleanWhileDirty(own), backoff, backoff, TimeUnit.MILLISECONDS);
      }
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
      LogDirectory directory = new LogDirectory(path, config, clock, io, deleter, pool);
      directories.add(directory);
      LogDirectory.Loaded loaded = directory.load();
      for (Log log : loaded.logs()) {
        logs.put(log.topicPartition, log);
        owners.put(log, directory);
      }
      reports.addAll(loaded.reports());
      if (!loaded.clean()) {
        unclean++;
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
    Log log = directory.create(tp);
    logs.put(tp, log);
    owners.put(log, directory);
    return log;
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
      owners.remove(log).delete(log);
    }
  }

  /** Tells {@code observer} about every flush from now on (metrics). */
  public void setFlushObserver(FlushObserver observer) {
    for (LogDirectory directory : directories) {
      directory.flushObserver(observer);
    }
  }

  /** Every open log (a snapshot; logs of topics being deleted may still be in it). */
  public List<Log> logs() {
    return List.copyOf(logs.values());
  }

  public RecoveryReport lastRecovery() {
    return lastRecovery;
  }

  /** One retention pass over every partition; runs on the scheduler thread (and in tests). */
  void runRetention() {
    long now = clock.millis();
    for (LogDirectory directory : directories) {
      directory.runRetention(now);
    }
  }

  /**
   * A log cleaner over this manager's files, with a key-offset map of {@code mapBytes} (one per
   * cleaner thread); the first-dirty offsets are shared by all of them.
   */
  LogCleaner newCleaner(int mapBytes, Throttle throttle, LogCleaner.Hook hook) {
    return new LogCleaner(
        new KeyOffsetMap(mapBytes, 0.9), throttle, clock, io, deleter, firstDirtyOffsets, hook);
  }

  /**
   * One cleaning pass of {@code log}; an I/O failure takes its directory offline (the files and the
   * segment map may disagree until the next start, which finishes or drops the swap).
   */
  LogCleaner.Result clean(LogCleaner cleaner, Log log, CompactionSettings settings, boolean force) {
    LogDirectory owner = owners.get(log);
    if (owner == null || owner.isOffline()) {
      return LogCleaner.Result.NOTHING;
    }
    try {
      return cleaner.clean(log, settings, force);
    } catch (IOException e) {
      owner.markOffline(e);
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, log.topicPartition + ": cleaning failed: " + e, e);
    }
  }

  /**
   * A cleaner thread's turn: cleans the dirtiest compacted log whose dirty ratio reaches its {@code
   * min.cleanable.dirty.ratio}, again and again until none does; a log is cleaned by one thread at
   * a time. The map is allocated at the first pass, so a broker without compacted topics never pays
   * for it.
   */
  private void cleanWhileDirty(LogCleaner[] own) {
    try {
      while (!closed) {
        Log dirtiest = null;
        double highest = 0;
        for (Log log : logs.values()) {
          CompactionSettings settings = log.compaction();
          if (settings == null || log.isClosed() || cleaning.contains(log.topicPartition)) {
            continue;
          }
          if (own[0] == null) {
            own[0] =
                newCleaner(
                    config.cleaner().mapBytesPerThread(),
                    config.cleaner().ioMaxBytesPerSecond() == Long.MAX_VALUE
                        ? Throttle.unlimited()
                        : Throttle.of(config.cleaner().ioMaxBytesPerSecond()),
                    LogCleaner.NO_HOOK);
          }
          double ratio = own[0].dirtyRatio(log, settings);
          if (ratio > 0 && ratio >= settings.minCleanableDirtyRatio() && ratio > highest) {
            dirtiest = log;
            highest = ratio;
          }
        }
        if (dirtiest == null || !cleaning.add(dirtiest.topicPartition)) {
          return;
        }
        try {
          LogCleaner.Result result = clean(own[0], dirtiest, dirtiest.compaction(), false);
          if (result.mappedEnd() < 0) {
            return;
          }
        } finally {
          cleaning.remove(dirtiest.topicPartition);
        }
      }
    } catch (RuntimeException e) {
      // The directory went offline (logged there) or the log closed; the next turn goes on.
      LOG.warn("log cleaner pass failed: {}", e.toString());
    }
  }

  /** Writes both checkpoints of every online directory. */
  void writeCheckpoints() {
    for (LogDirectory directory : directories) {
      directory.writeCheckpoints();
    }
  }

  /** The pool of sealed segments' {@code .log} channels, for its accounting. */
  SegmentChannelPool channelPool() {
    return pool;
  }

  /** Segments retention renamed whose files are not unlinked yet (tests wait for 0). */
  int pendingDeletions() {
    return deleter.pending();
  }

  /**
   * Flushes every partition, writes the checkpoints and the clean-shutdown marker (only for
   * directories that saw no I/O error), closes the logs and unlocks the directories.
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
    cleaners.shutdownNow();
    try {
      cleaners.awaitTermination(10, TimeUnit.SECONDS);
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      directories.forEach(LogDirectory::close);
      logs.clear();
      deleter.close();
      unlockDirectories();
    }
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
    cleaners.shutdownNow();
    directories.forEach(LogDirectory::crash);
    logs.clear();
    deleter.close();
    unlockDirectories(); // the OS drops a dead process's locks
  }
}
