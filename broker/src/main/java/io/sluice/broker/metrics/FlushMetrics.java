package io.sluice.broker.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.broker.storage.FlushObserver;

/** fsync latency and bytes per flush, fed by the flusher threads. Thread-safe. */
final class FlushMetrics implements FlushObserver {
  private final Histogram duration;
  private final Histogram bytes;

  FlushMetrics(PrometheusRegistry registry) {
    duration =
        Histogram.builder()
            .name("sluice_log_flush_duration_seconds")
            .help("Time one flush of a partition took (fsync of its dirty segments).")
            .classicOnly()
            .classicUpperBounds(
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                2.5)
            .withoutExemplars()
            .register(registry);
    bytes =
        Histogram.builder()
            .name("sluice_log_flush_bytes")
            .help(
                "Record bytes one flush made durable (appended since the partition's last flush).")
            .classicOnly()
            .classicExponentialUpperBounds(1024, 4, 10) // 1 KiB .. 256 MiB
            .withoutExemplars()
            .register(registry);
  }

  @Override
  public void flushed(long nanos, long flushedBytes) {
    duration.observe(nanos / 1e9);
    bytes.observe(flushedBytes);
  }
}
