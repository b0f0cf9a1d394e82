package io.sluice.broker.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.broker.quota.ClientQuotas;
import java.util.Locale;

/**
 * Client-quota metrics, read at scrape time from {@link ClientQuotas}: throttled responses per
 * quota type, and for each tracked rate (labels {@code type}, {@code user}, {@code client_id}; an
 * empty label for a rate shared by every user or client id) its current byte rate, its quota and
 * its throttle time. Nothing here runs on the request path. Thread-safe.
 */
final class QuotaCollector implements MultiCollector {
  private final ClientQuotas quotas;

  QuotaCollector(ClientQuotas quotas) {
    this.quotas = quotas;
  }

  @Override
  public MetricSnapshots collect() {
    CounterSnapshot.Builder throttled =
        CounterSnapshot.builder()
            .name("sluice_quota_throttled_responses")
            .help(
                "Produce and Fetch responses throttled by a client quota since the broker started.")
            .dataPoint(counter(Labels.of("type", "produce"), quotas.throttledProduce()))
            .dataPoint(counter(Labels.of("type", "fetch"), quotas.throttledFetch()));
    GaugeSnapshot.Builder rate =
        GaugeSnapshot.builder()
            .name("sluice_quota_byte_rate")
            .help("Bytes per second a quota entity moves, over the quota window.");
    GaugeSnapshot.Builder limit =
        GaugeSnapshot.builder()
            .name("sluice_quota_limit_byte_rate")
            .help("The quota (bytes per second) that applies to the entity.");
    CounterSnapshot.Builder throttleMs =
        CounterSnapshot.builder()
            .name("sluice_quota_throttle_time_ms")
            .help("Throttle times given to the entity's responses, added up (milliseconds).");
    for (ClientQuotas.RateView view : quotas.rates()) {
      Labels labels =
          Labels.of(
              "type", view.type().name().toLowerCase(Locale.ROOT),
              "user", view.user(),
              "client_id", view.clientId());
      rate.dataPoint(gauge(labels, view.bytesPerSecond()));
      limit.dataPoint(gauge(labels, view.limit()));
      throttleMs.dataPoint(counter(labels, view.throttleMs()));
    }
    return MetricSnapshots.of(throttled.build(), rate.build(), limit.build(), throttleMs.build());
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static CounterDataPointSnapshot counter(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
