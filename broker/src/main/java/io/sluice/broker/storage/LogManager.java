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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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

  /** Each topic's configuration overrides (absent: none); replaced whole, under the monitor. */
  private final Map<String, Map<String, String>> topicConfigs = new ConcurrentHashMap<>();

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
    applyStoredTopicConfigs();
    loadCleanerCheckpoints();
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

  /**
   * The cleaner's first-dirty offsets from each directory's {@code cleaner-offset-checkpoint}, for
   * the logs that directory holds. An offset beyond the log's end (the log was truncated below it
   * since) is dropped: that log is cleaned from its start again.
   */
  private void loadCleanerCheckpoints() {
    for (LogDirectory directory : directories) {
      Map<TopicPartition, Long> stored = directory.readCleanerCheckpoint();
      for (Log log : directory.logs()) {
        Long offset = stored.get(log.topicPartition);
        if (offset != null && offset <= log.logEndOffset()) {
          firstDirtyOffsets.put(log.topicPartition, offset);
        }
      }
    }
  }

  /** Where the cleaner's next pass of the partition starts (tests); 0 if it was never cleaned. */
  long firstDirtyOffset(TopicPartition tp) {
    return firstDirtyOffsets.getOrDefault(tp, 0L);
  }

  public Optional<Log> log(TopicPartition tp) {
    return Optional.ofNullable(logs.get(tp));
  }

  /**
   * Gives every loaded partition its topic's stored overrides. The lowest partition's copy is the
   * topic's; a partition whose copy differs (a crash while they were being rewritten) gets it.
   */
  private void applyStoredTopicConfigs() throws IOException {
    Map<String, List<Log>> byTopic = new TreeMap<>();
    for (Log log : logs.values()) {
      byTopic.computeIfAbsent(log.topicPartition.topic(), t -> new ArrayList<>()).add(log);
    }
    for (Map.Entry<String, List<Log>> entry : byTopic.entrySet()) {
      List<Log> partitions = entry.getValue();
      partitions.sort(Comparator.comparingInt(l -> l.topicPartition.partition()));
      Map<String, String> overrides = validStored(partitions.get(0));
      if (overrides.isEmpty()) {
        for (Log log : partitions) {
          if (!TopicConfigFile.read(log.directory).isEmpty()) {
            TopicConfigFile.write(io, log.directory, overrides);
          }
        }
        continue;
      }
      LogConfig effective = config.withOverrides(overrides);
      for (Log log : partitions) {
        if (!TopicConfigFile.read(log.directory).equals(overrides)) {
          LOG.info("{}: repairing its copy of the topic's configuration", log.topicPartition);
          TopicConfigFile.write(io, log.directory, overrides);
        }
        log.reconfigure(effective);
      }
      topicConfigs.put(entry.getKey(), overrides);
    }
  }

  /** The partition's stored overrides without any this broker no longer accepts (logged). */
  private static Map<String, String> validStored(Log log) throws IOException {
    Map<String, String> stored = TopicConfigFile.read(log.directory);
    Map<String, String> valid = new TreeMap<>();
    for (Map.Entry<String, String> e : stored.entrySet()) {
      try {
        TopicConfigKey.require(e.getKey()).validate(e.getValue());
        valid.put(e.getKey(), e.getValue());
      } catch (SluiceException ex) {
        LOG.warn(
            "{}: ignoring stored topic configuration: {}", log.topicPartition, ex.getMessage());
      }
    }
    return Map.copyOf(valid);
  }

  /** The broker-wide configuration every topic's overrides apply over. */
  public LogConfig config() {
    return config;
  }

  /** The topic's configuration overrides (empty when it has none or does not exist). */
  public Map<String, String> topicConfig(String topic) {
    return topicConfigs.getOrDefault(topic, Map.of());
  }

  /**
   * Replaces the topic's configuration overrides: stored in every partition directory (lowest
   * first), then applied to the live logs.
   *
   * @throws SluiceException {@code INVALID_CONFIG} naming a bad key or value, {@code
   *     UNKNOWN_TOPIC_OR_PARTITION} when the topic has no local partition, {@code
   *     KAFKA_STORAGE_ERROR} when a copy cannot be written
   */
  public synchronized void alterTopicConfig(String topic, Map<String, String> overrides) {
    LogConfig effective = config.withOverrides(overrides);
    List<Log> partitions = new ArrayList<>();
    for (Log log : logs.values()) {
      if (log.topicPartition.topic().equals(topic)) {
        partitions.add(log);
      }
    }
    if (partitions.isEmpty()) {
      throw new SluiceException(
          Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topic + "' does not exist.");
    }
    partitions.sort(Comparator.comparingInt(l -> l.topicPartition.partition()));
    Map<String, String> copy = Map.copyOf(overrides);
    for (Log log : partitions) {
      try {
        TopicConfigFile.write(io, log.directory, copy);
      } catch (IOException e) {
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            log.topicPartition + ": cannot store the topic's configuration: " + e.getMessage(),
            e);
      }
    }
    for (Log log : partitions) {
      log.reconfigure(effective);
    }
    if (copy.isEmpty()) {
      topicConfigs.remove(topic);
    } else {
      topicConfigs.put(topic, copy);
    }
    LOG.info("topic {}: configuration overrides now {}", topic, new TreeMap<>(copy));
  }

  /** Returns the partition's log, creating an empty one in the least loaded directory. */
  public Log createLog(TopicPartition tp) {
    return createLog(tp, topicConfig(tp.topic()));
  }

  /**
   * Returns the partition's log, creating an empty one in the least loaded directory, with its
   * topic's configuration {@code overrides} stored beside it and applied.
   *
   * @throws SluiceException {@code INVALID_CONFIG} for a bad override
   */
  public synchronized Log createLog(TopicPartition tp, Map<String, String> overrides) {
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
    LogConfig effective = config.withOverrides(overrides);
    Log log = directory.create(tp, overrides, effective);
    logs.put(tp, log);
    owners.put(log, directory);
    if (!overrides.isEmpty()) {
      topicConfigs.put(tp.topic(), Map.copyOf(overrides));
    }
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
    Set<LogDirectory> touched = new java.util.HashSet<>();
    for (TopicPartition tp : new ArrayList<>(logs.keySet())) {
      if (!tp.topic().equals(topic)) {
        continue;
      }
      Log log = logs.remove(tp);
      LogDirectory owner = owners.remove(log);
      owner.delete(log);
      // A topic created again under this name starts dirty from offset 0.
      if (firstDirtyOffsets.remove(tp) != null) {
        touched.add(owner);
      }
    }
    for (LogDirectory directory : touched) {
      try {
        directory.writeCleanerCheckpoint(firstDirtyOffsets);
      } catch (IOException e) {
        directory.markOffline(e);
      }
    }
    topicConfigs.remove(topic);
  }

  /**
   * Closes one partition's log and deletes its directory (a replica moved to other brokers by a
   * reassignment); nothing when there is no such log. The topic's stored configuration goes with
   * its last local partition.
   */
  public synchronized void deletePartition(TopicPartition tp) {
    Log log = logs.remove(tp);
    if (log == null) {
      return;
    }
    LogDirectory owner = owners.remove(log);
    owner.delete(log);
    if (firstDirtyOffsets.remove(tp) != null) {
      try {
        owner.writeCleanerCheckpoint(firstDirtyOffsets);
      } catch (IOException e) {
        owner.markOffline(e);
      }
    }
    if (partitionCount(tp.topic()) == 0) {
      topicConfigs.remove(tp.topic());
    }
  }

  /**
   * DeleteRecords for one partition, on the storage thread: completes with the new log start (the
   * low watermark) once it is durable, or exceptionally with {@code UNKNOWN_TOPIC_OR_PARTITION},
   * {@code OFFSET_OUT_OF_RANGE} or {@code KAFKA_STORAGE_ERROR}.
   */
  public CompletableFuture<Long> deleteRecords(TopicPartition tp, long offset) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            Log log = logs.get(tp);
            LogDirectory owner = log == null ? null : owners.get(log);
            if (owner == null) {
              throw new SluiceException(Errors.UNKNOWN_TOPIC_OR_PARTITION, tp + " has no log here");
            }
            return owner.deleteRecords(log, offset);
          },
          scheduler);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new SluiceException(Errors.KAFKA_STORAGE_ERROR, "the log manager is closed"));
    }
  }

  /** One log directory as DescribeLogDirs reports it. */
  public record DirectoryState(Path path, Throwable failure, List<Log> logs) {}

  /** Every log directory with its partitions (a snapshot). */
  public List<DirectoryState> directories() {
    List<DirectoryState> out = new ArrayList<>();
    for (LogDirectory d : directories) {
      out.add(new DirectoryState(d.path, d.failure(), List.copyOf(d.logs())));
    }
    return out;
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
   * One cleaning pass of {@code log}, after which its directory's {@code cleaner-offset-checkpoint}
   * holds where the next pass starts; an I/O failure takes its directory offline (the files and the
   * segment map may disagree until the next start, which finishes or drops the swap).
   */
  LogCleaner.Result clean(LogCleaner cleaner, Log log, CompactionSettings settings, boolean force) {
    LogDirectory owner = owners.get(log);
    if (owner == null || owner.isOffline()) {
      return LogCleaner.Result.NOTHING;
    }
    try {
      LogCleaner.Result result = cleaner.clean(log, settings, force);
      if (result.mappedEnd() >= 0) {
        owner.writeCleanerCheckpoint(firstDirtyOffsets);
      }
      return result;
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
