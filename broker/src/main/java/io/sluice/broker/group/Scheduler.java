package io.sluice.broker.group;

/**
 * The coordinator's clock and timers (session timeouts, rebalance timeouts, the initial rebalance
 * delay). One implementation runs on one thread ({@link ExecutorScheduler}); tests use a manual one
 * whose time moves only when told, so no test sleeps.
 */
public interface Scheduler extends AutoCloseable {
  /** Monotonic milliseconds; only differences are meaningful. */
  long nowMs();

  /** Runs {@code task} once, {@code delayMs} from now; the handle cancels it if not yet run. */
  Cancellable schedule(long delayMs, Runnable task);

  /** Stops running tasks; pending ones are dropped. */
  @Override
  void close();

  /** A scheduled task that can be withdrawn. */
  interface Cancellable {
    void cancel();
  }
}
