package io.sluice.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The one way tests wait for something another thread or process does: poll a condition until it
 * holds or a deadline passes. Never sleep for a fixed time to synchronise; a loaded machine makes
 * any fixed time too short sometimes and too long always.
 *
 * <p>The condition is polled at once, then every millisecond, backing off to every 10 ms; it runs
 * on the calling thread. Thread-safe (no state).
 */
public final class Await {
  /** The default deadline: long enough for a loaded 2-core machine, short enough to end a hang. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Await() {}

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}; fails naming {@code what}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /**
   * Waits up to {@code timeout} for {@code condition}.
   *
   * @throws AssertionError "timed out after ... waiting until {@code what}" if it never held
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    if (!holds(timeout, condition)) {
      throw new AssertionError("timed out after " + timeout + " waiting until " + what);
    }
  }

  /**
   * Waits up to {@code timeout} for {@code condition}; true as soon as it holds, false if it still
   * did not at the deadline (for callers that assert with their own message).
   */
  public static boolean holds(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseNanos = 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return condition.getAsBoolean();
      }
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting");
      }
      LockSupport.parkNanos(pauseNanos);
      pauseNanos = Math.min(pauseNanos * 2, 10_000_000);
    }
    return true;
  }
}
