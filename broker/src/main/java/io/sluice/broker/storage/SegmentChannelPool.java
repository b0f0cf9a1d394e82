package io.sluice.broker.storage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the {@code .log} file descriptors a broker keeps open. Each partition's active segment
 * keeps its channel (the appender writes to it); a sealed segment opens its channel when a reader
 * leases it (a fetch, a timestamp lookup, a flush) and, once no lease is left, parks it here as
 * idle. At most {@code maxIdle} idle channels stay open; beyond that the least recently used one is
 * closed, and the next lease of that segment opens the file again. A channel in use is never in the
 * idle set and is never closed under its lease: a fetch that is sending a segment with {@code
 * sendfile} holds its lease until the region is released.
 *
 * <p>So a broker holds one descriptor per partition, plus one per segment being read right now,
 * plus at most {@code maxIdle}. (Indexes are memory-mapped and keep no descriptor open.)
 *
 * <p>Thread safety: thread-safe. The idle set is guarded by this object's monitor, which is never
 * held while a segment's monitor is taken: eviction picks victims under the monitor and closes them
 * after releasing it, and a victim that was leased again in between is left open (the segment's own
 * monitor decides).
 */
final class SegmentChannelPool {
  private final int maxIdle;
  private final LinkedHashSet<LogSegment> idle = new LinkedHashSet<>(); // oldest first
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger opens = new AtomicInteger();

  SegmentChannelPool(int maxIdle) {
    if (maxIdle < 0) {
      throw new IllegalArgumentException("maxIdle=" + maxIdle);
    }
    this.maxIdle = maxIdle;
  }

  /** A segment's channel has no lease left and its segment is sealed: keep it, or evict others. */
  void idle(LogSegment segment) {
    List<LogSegment> victims = new ArrayList<>();
    synchronized (this) {
      idle.remove(segment);
      idle.add(segment);
      while (idle.size() > maxIdle) {
        LogSegment oldest = idle.iterator().next();
        idle.remove(oldest);
        victims.add(oldest);
      }
    }
    for (LogSegment victim : victims) {
      victim.closeChannelIfIdle();
    }
  }

  /** A segment's channel got a lease (or the segment closed): it is no longer idle. */
  synchronized void busy(LogSegment segment) {
    idle.remove(segment);
  }

  void opened() {
    open.incrementAndGet();
    opens.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  /** {@code .log} channels open now: active segments, leased ones and idle ones. */
  int openChannels() {
    return open.get();
  }

  /** Channels opened since start (re-opens after eviction included). */
  int channelsOpened() {
    return opens.get();
  }

  synchronized int idleChannels() {
    return idle.size();
  }

  int maxIdle() {
    return maxIdle;
  }
}
