package io.sluice.client.internal;

import java.util.ArrayDeque;

/**
 * What the consumer knows about one assigned partition: its position, how to find one when it has
 * none, and its fetches (the completed ones waiting to be polled, and whether one is in flight).
 *
 * <p>Invariants: {@link #position} is the offset of the next record {@code poll} returns (valid
 * when {@link #needsPosition} is false); the completed fetches are contiguous, the first starting
 * at or below {@link #position}, each next one at the previous one's next fetch offset, and a fetch
 * in flight asked for {@link #tailOffset()}. Every completed fetch that leaves the queue is
 * released.
 *
 * <p>Confined to the application thread (the consumer's), like the engine that owns it.
 */
final class PartitionState {
  long position = -1;
  long resetTo = OffsetLookup.LATEST;
  boolean needsPosition = true;
  boolean useCommitted = true;
  boolean explicitReset;
  boolean inFlight;
  long retryAtMs;
  final ArrayDeque<CompletedFetch> completed = new ArrayDeque<>();

  /** Where the next fetch starts: after the last completed fetch, else at the position. */
  long tailOffset() {
    CompletedFetch last = completed.peekLast();
    return last == null ? position : last.nextFetchOffset();
  }

  /** True if the last completed fetch ends in a failure: nothing is fetched behind it. */
  boolean blocked() {
    CompletedFetch last = completed.peekLast();
    return last != null && last.endsInFailure();
  }

  /** Drops (and releases) every completed fetch: after a seek, a reset, an error, or removal. */
  void clearCompleted() {
    CompletedFetch f;
    while ((f = completed.pollFirst()) != null) {
      f.release();
    }
  }

  /** Moves to {@code offset}, dropping what was fetched from the old position. */
  void seek(long offset) {
    clearCompleted();
    position = offset;
    needsPosition = false;
  }

  /** Bytes held by the completed fetches. */
  long retainedBytes() {
    long bytes = 0;
    for (CompletedFetch f : completed) {
      bytes += f.retainedBytes();
    }
    return bytes;
  }
}
