package io.sluice.broker.storage;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The storage thread that closes and unlinks the files of segments retention removed. A segment
 * renamed to {@code .deleted} stays open while a reader holds a lease on it; whichever thread ends
 * the last lease (often a network event loop finishing a {@code sendfile}) only hands the segment
 * over here, so no unlink, and no close of a deleted file, ever runs on an event loop.
 *
 * <p>{@link #pending()} counts segments renamed for deletion whose files are not gone yet; it is
 * zero exactly when every deletion retention started has finished, which is what tests wait for.
 *
 * <p>After {@link #close} (the broker is shutting down) a late hand-over runs on the calling
 * thread.
 *
 * <p>Thread safety: thread-safe.
 */
final class SegmentDeleter implements AutoCloseable {
  private final AtomicInteger pending = new AtomicInteger();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sluice-log-deleter");
            t.setDaemon(true);
            return t;
          });

  /** A segment was renamed for deletion; its unlink will be handed over once unleased. */
  void scheduled() {
    pending.incrementAndGet();
  }

  /** Runs {@code unlink} on the deleter thread (here, once the deleter is closed). */
  void handOver(Runnable unlink) {
    Runnable task =
        () -> {
          try {
            unlink.run();
          } finally {
            pending.decrementAndGet();
          }
        };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Segments renamed for deletion whose files still exist. */
  int pending() {
    return pending.get();
  }

  /** Finishes the hand-overs already queued, then stops the thread. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
