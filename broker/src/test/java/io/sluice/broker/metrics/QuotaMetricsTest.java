package io.sluice.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.broker.quota.ClientQuotaStore;
import io.sluice.broker.quota.ClientQuotas;
import io.sluice.broker.quota.QuotaConfigs;
import io.sluice.broker.quota.QuotaEntity;
import io.sluice.broker.quota.QuotaType;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The client-quota metrics at /metrics: throttled responses, and each rate with its quota. */
class QuotaMetricsTest {
  @Test
  void scrape_throttledCountAndPerEntityRate() throws Exception {
    QuotaConfigs configs =
        QuotaConfigs.of(
            Map.of(new QuotaEntity("alice", null), Map.of(QuotaType.PRODUCE.key(), 1000.0)));
    ClientQuotaStore store =
        new ClientQuotaStore() {
          @Override
          public QuotaConfigs current() {
            return configs;
          }

          @Override
          public CompletableFuture<Void> alter(Map<QuotaEntity, Map<String, Double>> changes) {
            throw new UnsupportedOperationException();
          }
        };
    AtomicLong now = new AtomicLong(5_000);
    ClientQuotas quotas = new ClientQuotas(store, 11, 1, now::get);
    assertEquals(0, quotas.recordProduce("User:alice", "app", 10_000));
    assertEquals(10_000, quotas.recordProduce("User:alice", "app", 10_000));
    try (BrokerMetrics metrics = BrokerMetrics.start("127.0.0.1", 0)) {
      metrics.quotas(quotas);
      PrometheusText text = Scrape.metrics(metrics.address());
      assertEquals(
          1, text.value("sluice_quota_throttled_responses_total", Map.of("type", "produce")));
      assertEquals(
          0, text.value("sluice_quota_throttled_responses_total", Map.of("type", "fetch")));
      Map<String, String> alice = Map.of("type", "produce", "user", "alice", "client_id", "");
      assertEquals(1000, text.value("sluice_quota_limit_byte_rate", alice));
      assertEquals(2000, text.value("sluice_quota_byte_rate", alice));
      assertEquals(10_000, text.value("sluice_quota_throttle_time_ms_total", alice));
    }
  }
}
