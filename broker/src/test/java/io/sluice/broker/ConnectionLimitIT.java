package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.testing.ExpectedLogs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections over {@code max.connections} are closed and logged without flooding the log; the ones
 * within keep being served.
 */
class ConnectionLimitIT {
  @Test
  void connect_overMaxConnections_extraClosedOthersServed() throws Exception {
    ExpectedLogs.expect(
        "WARN", "io.sluice.broker.server.RejectionLog", "max.connections=2 reached");
    try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("max.connections", "2"));
        RawConnection first = new RawConnection(broker.broker().localAddress());
        RawConnection second = new RawConnection(broker.broker().localAddress())) {
      assertEquals(1, apiVersionsCorrelation(first, 1));
      assertEquals(2, apiVersionsCorrelation(second, 2));
      try (LogCapture capture = new LogCapture("io.sluice.broker.server")) {
        for (int i = 0; i < 5; i++) {
          try (RawConnection extra = new RawConnection(broker.broker().localAddress())) {
            assertTrue(extra.closedByBroker());
          }
        }
        // One report for the burst (the next is due 10 s later at the earliest).
        assertEquals(1, capture.warnings().size(), capture.warnings().toString());
      }
      assertEquals(5, broker.broker().serverStats().rejectedConnections());
      assertEquals(3, apiVersionsCorrelation(first, 3));
    }
  }

  private static int apiVersionsCorrelation(RawConnection connection, int correlationId)
      throws Exception {
    connection.send(ApiKey.API_VERSIONS.id(), (short) 3, correlationId, new ApiVersionsRequest());
    return connection.readFrame().getInt();
  }
}
