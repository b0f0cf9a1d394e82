package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One entry of {@code log.dirs}: its partitions, its flusher, and whether it is online.
 *
 * <p>Once an I/O error that may have lost data happens (a failed fsync, a write that could not be
 * undone), the directory goes offline for good: every append and every flush waiter fails with
 * {@code KAFKA_STORAGE_ERROR}, nothing is retried as if the error had not happened (fsync errors
 * mark dirty pages clean), and no clean-shutdown marker is written. Reads keep working. Restarting
 * the broker runs recovery from the last durable point.
 *
 * <p>Thread safety: the offline state is a volatile written once; the log set is concurrent.
 */
final class LogDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(LogDirectory.class);

  final Path path;
  private final Set<Log> logs = ConcurrentHashMap.newKeySet();
  private final Flusher flusher;
  private volatile Throwable failure;
  private volatile FlushObserver flushObserver = FlushObserver.NONE;

  LogDirectory(Path path, LogConfig config, java.time.Clock clock) {
    this.path = path;
    this.flusher = new Flusher(this, config, clock);
  }

  void start() {
    flusher.start();
  }

  FlushObserver flushObserver() {
    return flushObserver;
  }

  void flushObserver(FlushObserver observer) {
    this.flushObserver = observer;
  }

  void add(Log log) {
    logs.add(log);
  }

  void remove(Log log) {
    logs.remove(log);
  }

  Set<Log> logs() {
    return logs;
  }

  void requestFlush(Log log) {
    flusher.request(log);
  }

  boolean isOffline() {
    return failure != null;
  }

  Throwable failure() {
    return failure;
  }

  void ensureOnline() {
    Throwable f = failure;
    if (f != null) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, "log directory " + path + " is offline: " + f, f);
    }
  }

  /** Takes the directory offline (first failure wins) and fails every flush waiter. */
  void markOffline(Throwable cause) {
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
      } catch (java.io.IOException | RuntimeException e) {
        markOffline(e);
        return false;
      }
    }
    return true;
  }

  void stopFlusher() {
    flusher.stop();
  }
}
