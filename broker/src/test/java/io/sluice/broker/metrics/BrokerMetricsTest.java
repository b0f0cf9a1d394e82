package io.sluice.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.broker.server.ServerStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Liveness and readiness through the broker's life, without a broker around the endpoint. */
class BrokerMetricsTest {

  @Test
  void liveAtOnceReadyOnlyOnceStartedNeitherWhenStopping() throws Exception {
    try (BrokerMetrics metrics = BrokerMetrics.start("127.0.0.1", 0)) {
      assertEquals(200, Scrape.get(metrics.address(), "/health").statusCode());
      assertEquals(503, Scrape.get(metrics.address(), "/ready").statusCode());
      assertEquals("not ready\n", Scrape.get(metrics.address(), "/ready").body());
      // Before the broker is up, /metrics already serves the JVM's metrics.
      assertEquals("gauge", Scrape.metrics(metrics.address()).type("jvm_memory_used_bytes"));

      metrics.brokerStarted(new BrokerSources(List::of, Map::of, new ServerStats(), () -> 0));
      assertEquals(200, Scrape.get(metrics.address(), "/ready").statusCode());
      assertEquals(0, Scrape.metrics(metrics.address()).value("sluice_connections", Map.of()));

      metrics.shuttingDown();
      assertEquals(503, Scrape.get(metrics.address(), "/ready").statusCode());
      assertEquals(503, Scrape.get(metrics.address(), "/health").statusCode());
    }
  }
}
