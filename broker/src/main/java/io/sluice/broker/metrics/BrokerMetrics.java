package io.sluice.broker.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.broker.server.RequestObserver;
import io.sluice.broker.storage.FlushObserver;
import java.net.InetSocketAddress;

/**
 * The broker's metrics and health endpoint ({@code metrics.port}). Started first, so that {@code
 * /health} answers while the logs are still being recovered; {@link #brokerStarted} then adds the
 * broker's own metrics and makes {@code /ready} answer 200; {@link #shuttingDown} takes readiness
 * and liveness back before the broker closes. Each broker has its own registry, so several embedded
 * brokers in one JVM do not share counters. Thread-safe.
 */
public final class BrokerMetrics implements AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final RequestMetrics requests;
  private final FlushMetrics flushes;
  private final MetricsServer server;
  private volatile boolean ready;
  private volatile boolean stopping;

  private BrokerMetrics(InetSocketAddress address) {
    JvmMetrics.builder().register(registry);
    this.requests = new RequestMetrics(registry);
    this.flushes = new FlushMetrics(registry);
    this.server = MetricsServer.start(address, registry, () -> !stopping, () -> ready && !stopping);
  }

  /** Binds the endpoint ({@code host} empty: every interface; port 0: a free port). */
  public static BrokerMetrics start(String host, int port) {
    InetSocketAddress address =
        host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    return new BrokerMetrics(address);
  }

  public RequestObserver requestObserver() {
    return requests;
  }

  public FlushObserver flushObserver() {
    return flushes;
  }

  /** Registers the broker's state for scrapes and reports ready. Call once. */
  public void brokerStarted(BrokerSources sources) {
    registry.register(new BrokerCollector(sources));
    ready = true;
  }

  /** Not ready and not live any more: the broker is closing. */
  /** Adds the client-quota metrics ({@link QuotaCollector}). */
  public void quotas(io.sluice.broker.quota.ClientQuotas quotas) {
    registry.register(new QuotaCollector(quotas));
  }

  public void shuttingDown() {
    stopping = true;
  }

  /** The bound address (the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return server.address();
  }

  @Override
  public void close() {
    stopping = true;
    server.close();
  }
}
