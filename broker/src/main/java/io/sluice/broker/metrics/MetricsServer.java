package io.sluice.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint: {@code /metrics} (Prometheus text format 0.0.4), {@code /health} (200 while
 * the process serves, 503 once shutdown began) and {@code /ready} (200 once the logs are loaded and
 * the listeners bound, 503 before and during shutdown). The JDK's HTTP server on one daemon thread:
 * scrapes are rare, and Netty's event loops stay the broker's. Thread-safe.
 */
final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static MetricsServer start(
      InetSocketAddress address,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the metrics endpoint to " + address, e);
    }
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext(
        "/metrics",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
          writer.write(body, registry.scrape());
          respond(exchange, 200, writer.getContentType(), body.toByteArray());
        });
    server.createContext("/health", exchange -> status(exchange, live.getAsBoolean(), "live"));
    server.createContext("/ready", exchange -> status(exchange, ready.getAsBoolean(), "ready"));
    server.createContext(
        "/",
        exchange ->
            respond(
                exchange,
                404,
                "text/plain; charset=utf-8",
                "not found: /metrics, /health, /ready\n".getBytes(StandardCharsets.UTF_8)));
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-metrics");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new MetricsServer(server, executor);
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void status(HttpExchange exchange, boolean ok, String what) throws IOException {
    byte[] body = ((ok ? "" : "not ") + what + "\n").getBytes(StandardCharsets.UTF_8);
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", body);
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      log.debug("metrics endpoint: {}", e.toString());
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
