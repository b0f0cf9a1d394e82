package io.sluice.broker.group;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Scheduler} on one daemon thread, {@code sluice-group-timer}, with {@link System#nanoTime}
 * as the clock. Cancelled tasks leave the queue at once, so a member that heartbeats for days
 * leaves no garbage behind. Thread-safe.
 */
public final class ExecutorScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  public ExecutorScheduler() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "sluice-group-timer");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  @Override
  public Cancellable schedule(long delayMs, Runnable task) {
    ScheduledFuture<?> future;
    try {
      future =
          executor.schedule(() -> runLogged(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      return () -> {};
    }
    return () -> future.cancel(false);
  }

  /** A timer that throws must not kill the timer thread (and with it every later timeout). */
  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("group coordinator timer failed; this is a bug", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
