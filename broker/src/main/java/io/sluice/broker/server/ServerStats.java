package io.sluice.broker.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the server sent, for tests and operators: how fetched records left the broker
 * (as file regions, i.e. sendfile, or copied through buffers). Thread-safe.
 */
public final class ServerStats {
  private final LongAdder fileRegions = new LongAdder();
  private final LongAdder fileRegionBytes = new LongAdder();
  private final LongAdder copiedSlices = new LongAdder();
  private final LongAdder copiedBytes = new LongAdder();
  private final LongAdder rejectedConnections = new LongAdder();
  private final AtomicInteger openConnections = new AtomicInteger();

  /** Counts an admitted connection (one within the connection limits). */
  void connectionOpened() {
    openConnections.incrementAndGet();
  }

  void connectionClosed() {
    openConnections.decrementAndGet();
  }

  /** Connections admitted and not yet closed. */
  public int openConnections() {
    return openConnections.get();
  }

  void fileRegionSent(long bytes) {
    fileRegions.increment();
    fileRegionBytes.add(bytes);
  }

  void sliceCopied(long bytes) {
    copiedSlices.increment();
    copiedBytes.add(bytes);
  }

  void connectionRejected() {
    rejectedConnections.increment();
  }

  /** File regions released after sending (or failing to send). */
  public long fileRegions() {
    return fileRegions.sum();
  }

  /** Bytes the file regions actually transferred to sockets. */
  public long fileRegionBytes() {
    return fileRegionBytes.sum();
  }

  public long copiedSlices() {
    return copiedSlices.sum();
  }

  public long copiedBytes() {
    return copiedBytes.sum();
  }

  public long rejectedConnections() {
    return rejectedConnections.sum();
  }
}
