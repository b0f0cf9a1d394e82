package io.sluice.broker.server;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs connections closed for one limit ({@code max.connections}, {@code max.connections.per.ip})
 * without letting a flood of them flood the log: the first rejection is logged at WARN, later ones
 * at most once per interval, each report carrying how many connections were rejected since the
 * previous one. Every rejection is still counted in {@link ServerStats#rejectedConnections}.
 *
 * <p>Thread-safe: event loops call {@link #rejected} concurrently; the decision is taken under this
 * object's monitor, the logging outside it.
 */
final class RejectionLog {
  static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);

  private final LongSupplier nanoTime;
  private final long intervalNanos;

  /** Guarded by this. */
  private boolean reportedOnce;

  /** Guarded by this: when the last report was logged. */
  private long lastReportNanos;

  /** Guarded by this: rejections since the last report, not counting it. */
  private long unreported;

  RejectionLog(LongSupplier nanoTime, long intervalNanos) {
    this.nanoTime = nanoTime;
    this.intervalNanos = intervalNanos;
  }

  /**
   * Records one rejected connection from {@code remote}, logging it if a report is due; {@code
   * limit} names the limit reached, e.g. {@code max.connections=1000}.
   */
  void rejected(SocketAddress remote, String limit) {
    long count;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (reportedOnce && now - lastReportNanos < intervalNanos) {
        unreported++;
        return;
      }
      count = unreported + 1;
      unreported = 0;
      lastReportNanos = now;
      reportedOnce = true;
    }
    if (count == 1) {
      log.warn("closing connection from {}: {} reached", remote, limit);
    } else {
      log.warn(
          "closing connection from {}: {} reached; {} connections rejected since"
              + " the last report (at most one report per {} s)",
          remote,
          limit,
          count,
          TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
    }
  }
}
