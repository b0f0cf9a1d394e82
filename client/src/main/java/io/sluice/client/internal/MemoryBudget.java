package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;

/**
 * Bounds the bytes of records a producer holds ({@code buffer.memory}): {@code send} reserves a
 * record's size before accepting it and blocks, at most {@code max.block.ms}, while the budget is
 * spent; a batch gives its bytes back when it completes. So a slow or absent broker turns into
 * back-pressure on the application, never into unbounded memory.
 *
 * <p>Thread-safe: guarded by this object's monitor.
 */
final class MemoryBudget {
  private final long capacity;
  private long used;

  MemoryBudget(long capacity) {
    this.capacity = capacity;
  }

  synchronized void reserve(int bytes, long maxBlockMs) {
    if (bytes > capacity) {
      throw new SluiceClientException(
          Errors.RECORD_LIST_TOO_LARGE,
          null,
          "record of ~" + bytes + " bytes exceeds buffer.memory=" + capacity,
          false,
          null);
    }
    long deadline = System.nanoTime() + maxBlockMs * 1_000_000L;
    while (used + bytes > capacity) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SluiceClientException(
            Errors.REQUEST_TIMED_OUT,
            null,
            "buffer.memory="
                + capacity
                + " stayed full for max.block.ms="
                + maxBlockMs
                + ": the broker is slow or unreachable",
            true,
            null);
      }
      try {
        wait(Math.max(1, left / 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SluiceClientException(
            Errors.UNKNOWN_SERVER_ERROR, null, "interrupted while waiting for memory", false, e);
      }
    }
    used += bytes;
  }

  synchronized void release(int bytes) {
    used -= bytes;
    notifyAll();
  }

  synchronized long used() {
    return used;
  }
}
