package io.sluice.broker.storage;

import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code acks=all} produces of one replicated log waiting for its high watermark: each waits
 * until the high watermark passes its last offset (every in-sync replica has the batch). Completed
 * by the thread that moves the high watermark; failed all at once when the log stops being led
 * here.
 *
 * <p>Thread safety: guarded by this object's monitor, taken after the log's append lock when both
 * are held; futures are completed outside it.
 */
final class HighWatermarkWaiters {
  private record Waiter(long offset, CompletableFuture<Void> future) {}

  private final PriorityQueue<Waiter> waiters =
      new PriorityQueue<>((a, b) -> Long.compare(a.offset(), b.offset()));

  /**
   * A future completed once {@code highWatermark} (as later passed to {@link #advanced}) > offset.
   */
  CompletableFuture<Void> await(long offset, long highWatermark) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    synchronized (this) {
      if (offset < highWatermark) {
        future.complete(null);
      } else {
        waiters.add(new Waiter(offset, future));
      }
    }
    return future;
  }

  /** The high watermark is now {@code highWatermark}: completes the waiters below it. */
  void advanced(long highWatermark) {
    List<Waiter> done = new ArrayList<>();
    synchronized (this) {
      while (!waiters.isEmpty() && waiters.peek().offset() < highWatermark) {
        done.add(waiters.poll());
      }
    }
    for (Waiter w : done) {
      w.future().complete(null);
    }
  }

  /** Fails every waiter (leadership moved, the log was truncated or closed). */
  void failAll(SluiceException error) {
    List<Waiter> failed;
    synchronized (this) {
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter w : failed) {
      w.future().completeExceptionally(error);
    }
  }

  synchronized int size() {
    return waiters.size();
  }
}
