package io.sluice.broker.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.broker.server.RequestObserver;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiMessage;

/**
 * Requests per API, their latency, and the error codes in their responses: the dispatcher's hook.
 * The per-API data points are resolved once, so a request costs an array lookup, a counter
 * increment, a histogram observation and the error-code walk ({@link ErrorCodes}); an error code
 * costs a label lookup. Thread-safe.
 */
final class RequestMetrics implements RequestObserver {
  /** Latency buckets in seconds: 100 us to 30 s (long polls and acks=all waits are in range). */
  private static final double[] LATENCY_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    30
  };

  private final Counter errors;
  private final CounterDataPoint[] requests;
  private final DistributionDataPoint[] latency;

  RequestMetrics(PrometheusRegistry registry) {
    Counter requestCounter =
        Counter.builder()
            .name("sluice_requests_total")
            .help("Requests answered, per API (a request without a response counts when handled).")
            .labelNames("api")
            .withoutExemplars()
            .register(registry);
    Histogram histogram =
        Histogram.builder()
            .name("sluice_request_duration_seconds")
            .help(
                "Time from handing a request to its handler to its complete response, per API"
                    + " (long-poll fetches and acks=all produces include their wait).")
            .labelNames("api")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .withoutExemplars()
            .register(registry);
    this.errors =
        Counter.builder()
            .name("sluice_request_errors_total")
            .help(
                "Error codes in responses, per API and error (one per partition, topic or member"
                    + " that carries it).")
            .labelNames("api", "error")
            .withoutExemplars()
            .register(registry);
    int size = 0;
    for (ApiKey api : ApiKey.values()) {
      size = Math.max(size, api.id() + 1);
    }
    requests = new CounterDataPoint[size];
    latency = new DistributionDataPoint[size];
    for (ApiKey api : ApiKey.values()) {
      requests[api.id()] = requestCounter.labelValues(api.displayName());
      latency[api.id()] = histogram.labelValues(api.displayName());
    }
  }

  @Override
  public void completed(ApiKey api, long nanos, ApiMessage response) {
    requests[api.id()].inc();
    latency[api.id()].observe(nanos / 1e9);
    if (response != null) {
      ErrorCodes.forEach(
          response,
          code -> errors.labelValues(api.displayName(), Errors.forCode(code).name()).inc());
    }
  }
}
