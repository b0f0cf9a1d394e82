package io.sluice.broker.storage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fsync thread of one log directory. Appenders and waiters ask it to flush a log; it drains
 * every request that arrived while it was busy and serves them with one fsync per dirty segment, so
 * that concurrent {@code acks=all} producers share fsyncs (group commit). It also flushes logs
 * whose oldest unflushed data is older than {@code log.flush.interval.ms}.
 *
 * <p>A flush that throws takes the directory offline; the flusher then only fails waiters.
 *
 * <p>Thread safety: the request set is guarded by this object's monitor; flushing happens outside
 * it, on the flusher thread only.
 */
final class Flusher {
  private final LogDirectory directory;
  private final Clock clock;
  private final long intervalMs;
  private final long tickMs;
  private final Set<Log> requested = new LinkedHashSet<>();
  private final Thread thread;
  private boolean running = true;

  Flusher(LogDirectory directory, LogConfig config, Clock clock) {
    this.directory = directory;
    this.clock = clock;
    this.intervalMs = config.flushIntervalMs();
    this.tickMs = Math.max(5, Math.min(1000, intervalMs / 2));
    this.thread = new Thread(this::run, "sluice-flusher-" + directory.path.getFileName());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  synchronized void request(Log log) {
    if (requested.add(log)) {
      notifyAll();
    }
  }

  private void run() {
    while (true) {
      List<Log> batch;
      synchronized (this) {
        if (running && requested.isEmpty()) {
          try {
            wait(tickMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (!running) {
          return;
        }
        if (requested.isEmpty()) {
          addDueLogs();
        }
        batch = new ArrayList<>(requested);
        requested.clear();
      }
      flush(batch);
    }
  }

  private void addDueLogs() {
    if (intervalMs == Long.MAX_VALUE) {
      return;
    }
    long now = clock.millis();
    for (Log log : directory.logs()) {
      if (log.flushDue(now)) {
        requested.add(log);
      }
    }
  }

  private void flush(List<Log> logs) {
    for (Log log : logs) {
      if (directory.isOffline()) {
        log.failWaiters(directory.failure());
        continue;
      }
      if (log.isClosed()) {
        continue;
      }
      try {
        long started = System.nanoTime();
        long bytes = log.flushNow();
        if (bytes >= 0) {
          directory.flushObserver().flushed(System.nanoTime() - started, bytes);
        }
      } catch (Exception e) {
        if (!log.isClosed()) { // a deleted topic's files may vanish under a flush
          directory.markOffline(e);
        }
      }
    }
  }

  /** Stops the thread after its current flush; pending requests are left to the caller. */
  void stop() {
    synchronized (this) {
      running = false;
      notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
