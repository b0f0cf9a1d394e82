package io.sluice.broker.quota;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The per-request cost of quota enforcement (docs/quotas.md, "Cost"): nanoseconds per {@code
 * recordFetch} without quotas, with a quota of another entity only, and with an unlimited quota of
 * the client (recorded, never throttled). Printed, never asserted (that nothing is allocated is
 * asserted in {@code ClientQuotasTest}). Excluded from the default build; run with
 *
 * <pre>
 * mvn -B -q -pl broker -am test -Dspotless.check.skip=true -Dbenchmark.excludedGroups=none \
 *     -Dgroups=benchmark -Dtest=ClientQuotasBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
class ClientQuotasBenchmark {
  private static final int CALLS = 10_000_000;

  @Test
  void recordFetch_nanosPerCall() {
    QuotaEntity everyClient = new QuotaEntity(null, QuotaEntity.DEFAULT);
    QuotaEntity bob = new QuotaEntity("bob", null);
    Map<String, Double> unlimited =
        Map.of(QuotaType.FETCH.key(), 1e13, QuotaType.PRODUCE.key(), 1e13);
    run("no quota", QuotaConfigs.EMPTY);
    run("a quota of another user", QuotaConfigs.of(Map.of(bob, unlimited)));
    run("an unlimited quota of every client", QuotaConfigs.of(Map.of(everyClient, unlimited)));
  }

  private static void run(String what, QuotaConfigs configs) {
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
    ClientQuotas quotas = new ClientQuotas(store, 11, 1, System::currentTimeMillis);
    long sink = 0;
    for (int i = 0; i < CALLS / 5; i++) {
      sink += quotas.recordFetch("User:ANONYMOUS", "perf", 1_000_000);
    }
    long start = System.nanoTime();
    for (int i = 0; i < CALLS; i++) {
      sink += quotas.recordFetch("User:ANONYMOUS", "perf", 1_000_000);
    }
    double nanos = (System.nanoTime() - start) / (double) CALLS;
    System.out.printf("%s: %.1f ns per recordFetch (throttled %d)%n", what, nanos, sink);
  }
}
