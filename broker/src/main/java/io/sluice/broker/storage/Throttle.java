package io.sluice.broker.storage;

/**
 * Bounds a background thread's I/O to a rate ({@code log.cleaner.io.max.bytes.per.second}): {@link
 * #acquire} sleeps the caller for as long as its bytes so far exceed the rate since the throttle
 * started. Unlimited at {@code Long.MAX_VALUE} (Kafka's default). Only for threads that may sleep,
 * never an event loop.
 *
 * <p>Not thread-safe: one per cleaner thread.
 */
final class Throttle {
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final Sleeper sleeper;
  private final java.util.function.LongSupplier nanoTime;
  private final long start;
  private long bytes;

  Throttle(long bytesPerSecond, java.util.function.LongSupplier nanoTime, Sleeper sleeper) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond=" + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.start = nanoTime.getAsLong();
  }

  static Throttle unlimited() {
    return new Throttle(Long.MAX_VALUE, System::nanoTime, nanos -> {});
  }

  static Throttle of(long bytesPerSecond) {
    return new Throttle(
        bytesPerSecond,
        System::nanoTime,
        nanos -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos));
  }

  /** Accounts for {@code n} bytes and sleeps until they are within the rate. */
  void acquire(long n) {
    if (bytesPerSecond == Long.MAX_VALUE || n <= 0) {
      return;
    }
    bytes += n;
    long due = (long) (bytes * 1e9 / bytesPerSecond);
    long ahead = due - (nanoTime.getAsLong() - start);
    if (ahead > 0) {
      try {
        sleeper.sleep(ahead);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
