package io.sluice.broker.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts open connections, in total and per client address, against {@code max.connections} and
 * {@code max.connections.per.ip} (with its per-address overrides). A connection is counted from
 * {@link #tryAcquire} admitting it until its {@link #release}; a refused one is never counted.
 *
 * <p>Thread-safe: the event loops that accept and close connections call in concurrently; every
 * method holds this object's monitor for a few map operations (connections are accepted at most a
 * few thousand times a second, so one lock is cheaper than anything cleverer).
 */
final class ConnectionQuotas {
  /** What {@link #tryAcquire} decided. */
  enum Verdict {
    ADMITTED,
    /** The address already has its maximum of connections. */
    ADDRESS_FULL,
    /** The broker already has {@code max.connections}. */
    BROKER_FULL
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Map<InetAddress, Integer> overrides;

  /** Guarded by this: open connections per address; an address with none has no entry. */
  private final Map<InetAddress, Integer> open = new HashMap<>();

  /** Guarded by this. */
  private int total;

  ConnectionQuotas(int maxConnections, int maxPerAddress, Map<InetAddress, Integer> overrides) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.overrides = Map.copyOf(overrides);
  }

  /**
   * The per-address limit of {@code address}: its override, else {@code max.connections.per.ip}.
   */
  int limitFor(InetAddress address) {
    return overrides.getOrDefault(address, maxPerAddress);
  }

  int maxConnections() {
    return maxConnections;
  }

  /**
   * Counts a new connection from {@code address} if both limits allow it. The per-address limit is
   * checked first, so that the log names the address that is over its share.
   */
  synchronized Verdict tryAcquire(InetAddress address) {
    int fromAddress = open.getOrDefault(address, 0);
    if (fromAddress >= limitFor(address)) {
      return Verdict.ADDRESS_FULL;
    }
    if (total >= maxConnections) {
      return Verdict.BROKER_FULL;
    }
    open.put(address, fromAddress + 1);
    total++;
    return Verdict.ADMITTED;
  }

  /** Uncounts a connection that {@link #tryAcquire} admitted, once it is closed. */
  synchronized void release(InetAddress address) {
    Integer fromAddress = open.get(address);
    if (fromAddress == null) {
      throw new IllegalStateException("no open connection from " + address);
    }
    if (fromAddress == 1) {
      open.remove(address);
    } else {
      open.put(address, fromAddress - 1);
    }
    total--;
  }

  /** Open connections from {@code address}. */
  synchronized int open(InetAddress address) {
    return open.getOrDefault(address, 0);
  }

  synchronized int total() {
    return total;
  }
}
