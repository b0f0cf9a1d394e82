package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiVersionsRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connections over {@code max.connections}, or over {@code max.connections.per.ip} (with its
 * overrides) from one address, are closed and logged without flooding the log; the ones within, and
 * other addresses, keep being served. 127.0.0.x are all loopback addresses on Linux: a client binds
 * one of them as its local address to connect "from another host".
 */
class ConnectionLimitIT {
  @Test
  void connect_overMaxConnections_extraClosedOthersServed() throws Exception {
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

  @Test
  void connect_overMaxConnectionsPerIp_extraFromThatAddressClosedOtherAddressServed()
      throws Exception {
    InetAddress one = InetAddress.getByName("127.0.0.1");
    InetAddress two = InetAddress.getByName("127.0.0.2");
    try (EmbeddedBroker broker =
            EmbeddedBroker.start(Map.of("max.connections.per.ip", "2", "max.connections", "10"));
        RawConnection first = new RawConnection(broker.broker().localAddress(), one)) {
      RawConnection second = new RawConnection(broker.broker().localAddress(), one);
      try {
        perIpChecks(broker, first, second, one, two);
      } finally {
        second.close();
      }
    }
  }

  private static void perIpChecks(
      EmbeddedBroker broker,
      RawConnection first,
      RawConnection second,
      InetAddress one,
      InetAddress two)
      throws Exception {
    assertEquals(1, apiVersionsCorrelation(first, 1));
    assertEquals(2, apiVersionsCorrelation(second, 2));
    try (LogCapture capture = new LogCapture("io.sluice.broker.server")) {
      try (RawConnection third = new RawConnection(broker.broker().localAddress(), one)) {
        assertTrue(third.closedByBroker(), "a third connection from 127.0.0.1");
      }
      try (RawConnection other = new RawConnection(broker.broker().localAddress(), two)) {
        assertEquals(3, apiVersionsCorrelation(other, 3), "a connection from 127.0.0.2");
      }
      assertEquals(1, capture.warnings().size(), capture.warnings().toString());
      assertTrue(
          capture.warnings().get(0).contains("max.connections.per.ip=2 for 127.0.0.1 reached"),
          capture.warnings().get(0));
    }
    assertEquals(1, broker.broker().serverStats().rejectedConnections());
    assertEquals(4, apiVersionsCorrelation(first, 4));

    // Once one of the two closes, 127.0.0.1 may connect again (the count drops when the
    // broker sees the close, which it does asynchronously).
    second.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (RawConnection again = new RawConnection(broker.broker().localAddress(), one)) {
        if (!again.closedByBrokerWithin(Duration.ofMillis(200))) {
          assertEquals(5, apiVersionsCorrelation(again, 5));
          break;
        }
      }
      assertTrue(System.nanoTime() < deadline, "127.0.0.1 refused after one of its two closed");
    }
  }

  @Test
  void connect_perIpOverrides_zeroRefusesThatAddressOnly() throws Exception {
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            Map.of(
                "max.connections.per.ip", "1",
                "max.connections.per.ip.overrides", "127.0.0.3:0,127.0.0.1:2"))) {
      try (RawConnection refused =
          new RawConnection(broker.broker().localAddress(), InetAddress.getByName("127.0.0.3"))) {
        assertTrue(refused.closedByBroker(), "127.0.0.3 is allowed no connection");
      }
      InetAddress one = InetAddress.getByName("127.0.0.1");
      // One at a time: connections are set up on several event loops, in no fixed order.
      try (RawConnection a = new RawConnection(broker.broker().localAddress(), one);
          RawConnection b = new RawConnection(broker.broker().localAddress(), one)) {
        assertEquals(1, apiVersionsCorrelation(a, 1));
        assertEquals(2, apiVersionsCorrelation(b, 2), "127.0.0.1 is allowed two");
        try (RawConnection c = new RawConnection(broker.broker().localAddress(), one)) {
          assertTrue(c.closedByBroker(), "but not three");
        }
      }
    }
  }

  private static int apiVersionsCorrelation(RawConnection connection, int correlationId)
      throws Exception {
    connection.send(ApiKey.API_VERSIONS.id(), (short) 3, correlationId, new ApiVersionsRequest());
    return connection.readFrame().getInt();
  }
}
