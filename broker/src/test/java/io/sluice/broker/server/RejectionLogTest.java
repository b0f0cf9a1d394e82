package io.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.LogCapture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Rejected connections are reported at most once per interval, with a count. */
class RejectionLogTest {
  private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4242);

  private long now = 1_000_000_000L;

  @Test
  void rejected_floodOfConnections_firstLoggedThenOneReportPerIntervalWithCount() {
    RejectionLog rejections = new RejectionLog(() -> now, INTERVAL);
    try (LogCapture capture = new LogCapture(RejectionLog.class.getName())) {
      for (int i = 0; i < 500; i++) {
        rejections.rejected(PEER, "max.connections=3");
      }
      assertEquals(1, capture.warnings().size());
      assertTrue(capture.warnings().get(0).contains("max.connections=3"));

      now += INTERVAL - 1;
      rejections.rejected(PEER, "max.connections=3");
      assertEquals(1, capture.warnings().size(), "still inside the interval");

      now += 1;
      rejections.rejected(PEER, "max.connections=3");
      List<String> warnings = capture.warnings();
      assertEquals(2, warnings.size());
      // 499 after the first report, the one inside the interval, and this one.
      assertTrue(warnings.get(1).contains("; 501 connections rejected since"), warnings.get(1));

      now += 3 * INTERVAL;
      rejections.rejected(PEER, "max.connections=3");
      assertEquals(3, capture.warnings().size());
      assertTrue(
          capture.warnings().get(2).endsWith("max.connections=3 reached"),
          "a lone rejection after a quiet interval is logged as the first one was");
    }
  }
}
