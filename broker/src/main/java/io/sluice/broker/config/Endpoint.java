package io.sluice.broker.config;

import java.util.Locale;

/**
 * One listener address in Kafka's {@code LISTENER_NAME://host:port} form. The name is a security
 * protocol ({@code PLAINTEXT}) or any name {@code listener.security.protocol.map} maps to one
 * ({@code PLAINTEXT_HOST}, {@code INTERNAL}, ...); names are upper-cased, as Kafka does. An empty
 * host means every interface; port 0 means "any free port" (the bound port is advertised).
 * Immutable.
 */
public record Endpoint(String listenerName, String host, int port) {

  public Endpoint {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port=" + port + " outside 0..65535");
    }
  }

  /**
   * Parses {@code PLAINTEXT://127.0.0.1:9092}, {@code PLAINTEXT_HOST://:9092}, {@code
   * EXTERNAL://[::1]:9092} or {@code 127.0.0.1:9092} (no name: {@code PLAINTEXT}).
   */
  public static Endpoint parse(String text) {
    String rest = text.trim();
    String name = "PLAINTEXT";
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      name = rest.substring(0, scheme).trim().toUpperCase(Locale.ROOT);
      rest = rest.substring(scheme + 3);
    }
    if (!name.matches("[A-Z0-9_]+")) {
      throw new IllegalArgumentException(
          "listener name '" + name + "' in '" + text + "' is not letters, digits and '_'");
    }
    int colon = rest.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected NAME://host:port, got '" + text + "'");
    }
    String host = rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + text + "'");
    }
    return new Endpoint(name, host, port);
  }

  /** True for an empty host or a wildcard address: bind every interface, never advertised. */
  public boolean wildcardHost() {
    return host.isEmpty()
        || host.equals("0.0.0.0")
        || host.equals("::")
        || host.equals("0:0:0:0:0:0:0:0");
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return listenerName + "://" + h + ":" + port;
  }
}
