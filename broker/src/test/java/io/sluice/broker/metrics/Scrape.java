package io.sluice.broker.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** HTTP GETs against a metrics endpoint. */
final class Scrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Scrape() {}

  static HttpResponse<String> get(InetSocketAddress address, String path)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + address.getPort() + path);
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Fetches and parses {@code /metrics}; fails on a non-200 answer or a format error. */
  static PrometheusText metrics(InetSocketAddress address)
      throws IOException, InterruptedException {
    HttpResponse<String> response = get(address, "/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("text/plain; version=0.0.4")) {
      throw new AssertionError("Content-Type " + type);
    }
    return PrometheusText.parse(response.body());
  }
}
