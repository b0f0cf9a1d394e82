package io.sluice.broker.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Recording, throttle times, shared rates, re-resolution on a change, and fetch take-back. */
class ClientQuotasTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final MemoryStore store = new MemoryStore();
  private final ClientQuotas quotas = new ClientQuotas(store, 11, 1, now::get);

  @Test
  void noQuota_neverThrottled_nothingTracked() {
    assertEquals(0, quotas.recordProduce("User:alice", "app", 1L << 30));
    store.set(new QuotaEntity("bob", null), QuotaType.PRODUCE, 10.0);
    assertEquals(0, quotas.recordProduce("User:alice", "app", 1L << 30), "bob's quota only");
    assertEquals(0, quotas.recordFetch("User:bob", "app", 1L << 30), "bob has no fetch quota");
    assertEquals(List.of(), quotas.rates());
  }

  @Test
  void overQuota_kafkasThrottleTime() {
    store.set(new QuotaEntity("alice", null), QuotaType.PRODUCE, 1000.0);
    assertEquals(0, quotas.recordProduce("User:alice", "app", 10_000)); // 1000/s: at the bound
    // 20000 bytes over 10 s = 2000/s: (2000 - 1000) / 1000 * 10 s
    assertEquals(10_000, quotas.recordProduce("User:alice", "app", 10_000));
    assertEquals(1, quotas.throttledProduce());
    ClientQuotas.RateView view = quotas.rates().get(0);
    assertEquals(
        new ClientQuotas.RateView(QuotaType.PRODUCE, "alice", "", 2000.0, 1000.0, 1, 10_000), view);
  }

  @Test
  void userQuota_sharedByTheUsersClients_defaultUser_oneRateEach() {
    store.set(new QuotaEntity("alice", null), QuotaType.PRODUCE, 1000.0);
    store.set(new QuotaEntity(QuotaEntity.DEFAULT, null), QuotaType.PRODUCE, 1000.0);
    assertEquals(0, quotas.recordProduce("User:alice", "one", 10_000));
    assertTrue(quotas.recordProduce("User:alice", "two", 10_000) > 0, "alice's clients share");
    assertEquals(0, quotas.recordProduce("User:bob", "one", 10_000));
    assertEquals(0, quotas.recordProduce("User:carol", "one", 10_000), "each default user alone");
    assertEquals(3, quotas.rates().size());
  }

  @Test
  void quotaRaised_appliesToTheNextRequest() {
    QuotaEntity app = new QuotaEntity(null, "app");
    store.set(app, QuotaType.PRODUCE, 100.0);
    assertTrue(quotas.recordProduce("User:ANONYMOUS", "app", 10_000) > 0);
    store.set(app, QuotaType.PRODUCE, 1_000_000.0);
    assertEquals(0, quotas.recordProduce("User:ANONYMOUS", "app", 10_000));
  }

  @Test
  void fetchOverQuota_bytesTakenBack() {
    store.set(new QuotaEntity(null, QuotaEntity.DEFAULT), QuotaType.FETCH, 1000.0);
    assertEquals(0, quotas.recordFetch("User:ANONYMOUS", "c", 9_000));
    assertEquals(10_000, quotas.recordFetch("User:ANONYMOUS", "c", 11_000)); // 2000/s
    // the throttled fetch was not charged: 1000 more bytes fit exactly
    assertEquals(0, quotas.recordFetch("User:ANONYMOUS", "c", 1_000));
    assertEquals(1, quotas.throttledFetch());
  }

  @Test
  void windowsPass_rateFallsBack() {
    store.set(new QuotaEntity("alice", null), QuotaType.PRODUCE, 1000.0);
    assertTrue(quotas.recordProduce("User:alice", "", 50_000) > 0);
    now.addAndGet(11_000);
    assertEquals(0, quotas.recordProduce("User:alice", "", 1_000));
  }

  /** A store in memory. */
  private static final class MemoryStore implements ClientQuotaStore {
    private volatile QuotaConfigs configs = QuotaConfigs.EMPTY;

    void set(QuotaEntity entity, QuotaType type, Double value) {
      Map<String, Double> values = new HashMap<>();
      values.put(type.key(), value);
      configs = configs.with(Map.of(entity, values));
    }

    @Override
    public QuotaConfigs current() {
      return configs;
    }

    @Override
    public CompletableFuture<Void> alter(Map<QuotaEntity, Map<String, Double>> changes) {
      configs = configs.with(changes);
      return CompletableFuture.completedFuture(null);
    }
  }
}
