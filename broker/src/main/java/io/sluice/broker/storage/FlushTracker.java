package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One log's flush state: the flushed offset (every offset below it is fsynced), the waiters for
 * later offsets ({@code acks=all} responses), and the unflushed counters the flush policy reads.
 *
 * <p>Thread safety: the waiters and the failure are guarded by this object's monitor (the "flush
 * lock" of docs/locks.md); a thread may hold the log's append lock when it takes it, never the
 * reverse. Futures are completed outside the monitor.
 */
final class FlushTracker {
  private record Waiter(long offset, CompletableFuture<Void> future) {}

  private final PriorityQueue<Waiter> waiters =
      new PriorityQueue<>((a, b) -> Long.compare(a.offset(), b.offset()));
  private final AtomicLong unflushedMessages = new AtomicLong();
  private volatile long flushedOffset;
  private volatile long oldestUnflushedMs;
  private volatile boolean directoryChanged;
  private long messagesInFlight;
  private Throwable failure;

  FlushTracker(long flushedOffset) {
    this.flushedOffset = flushedOffset;
  }

  long flushedOffset() {
    return flushedOffset;
  }

  long unflushedMessages() {
    return unflushedMessages.get();
  }

  /** Called after each append is published (append lock held). */
  void appended(long records, long now) {
    unflushedMessages.addAndGet(records);
    if (oldestUnflushedMs == 0) {
      oldestUnflushedMs = now;
    }
  }

  /** A segment file was created: the directory needs an fsync before its data counts as durable. */
  void directoryChanged() {
    directoryChanged = true;
  }

  boolean due(long now, long intervalMs) {
    long oldest = oldestUnflushedMs;
    return oldest != 0 && now - oldest >= intervalMs;
  }

  /** Starts a flush (flusher thread); returns whether the directory must be fsynced too. */
  boolean beginFlush() {
    oldestUnflushedMs = 0;
    messagesInFlight = unflushedMessages.get();
    boolean changed = directoryChanged;
    directoryChanged = false;
    return changed;
  }

  /** Everything below {@code offset} is durable now: complete the waiters it covers. */
  void completed(long offset) {
    unflushedMessages.addAndGet(-messagesInFlight);
    messagesInFlight = 0;
    List<Waiter> done = new ArrayList<>();
    synchronized (this) {
      if (offset > flushedOffset) {
        flushedOffset = offset;
      }
      while (!waiters.isEmpty() && waiters.peek().offset() < flushedOffset) {
        done.add(waiters.poll());
      }
    }
    for (Waiter w : done) {
      w.future().complete(null);
    }
  }

  /**
   * The log was cut back to {@code offset} (durably): the flushed offset follows it down, and
   * waiters for offsets that are gone fail with {@code error}.
   */
  void truncated(long offset, SluiceException error) {
    List<Waiter> failed = new ArrayList<>();
    synchronized (this) {
      if (flushedOffset > offset) {
        flushedOffset = offset;
      }
      waiters.removeIf(
          w -> {
            if (w.offset() >= offset) {
              failed.add(w);
              return true;
            }
            return false;
          });
    }
    for (Waiter w : failed) {
      w.future().completeExceptionally(error);
    }
  }

  /**
   * The log was emptied to start over at {@code offset} (durably): nothing below it is left to
   * flush, so the flushed offset is {@code offset}, and every waiter fails with {@code error} (the
   * offsets it waited for are gone).
   */
  void startedOver(long offset, SluiceException error) {
    List<Waiter> failed;
    synchronized (this) {
      flushedOffset = Math.max(flushedOffset, offset);
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter w : failed) {
      w.future().completeExceptionally(error);
    }
  }

  CompletableFuture<Void> await(long offset, LogHost directory) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    synchronized (this) {
      Throwable offline = directory.failure();
      if (offset < flushedOffset) {
        future.complete(null);
      } else if (failure != null || offline != null) {
        future.completeExceptionally(storageError(failure != null ? failure : offline));
      } else {
        waiters.add(new Waiter(offset, future));
      }
    }
    return future;
  }

  /** Fails every waiter, now and later: the directory went offline or the log closed. */
  void failAll(Throwable cause) {
    List<Waiter> failed;
    synchronized (this) {
      if (failure == null) {
        failure = cause;
      }
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    SluiceException error = storageError(cause);
    for (Waiter w : failed) {
      w.future().completeExceptionally(error);
    }
  }

  private static SluiceException storageError(Throwable cause) {
    if (cause instanceof SluiceException e) {
      return e;
    }
    return new SluiceException(
        Errors.KAFKA_STORAGE_ERROR, "flush failed; log directory offline: " + cause, cause);
  }
}
