package io.sluice.broker.config;

/**
 * One listener address in Kafka's {@code LISTENER_NAME://host:port} form. The name is a security
 * protocol ({@code PLAINTEXT}) or any name that {@code listener.security.protocol.map} maps to one
 * ({@code PLAINTEXT_HOST}, {@code INTERNAL}...). An empty host means every interface; port 0 means
 * "any free port" (the bound port is advertised).
 */
public record Endpoint(String listenerName, String host, int port) {

  public Endpoint {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port=" + port + " outside 0..65535");
    }
  }

  /**
   * Parses {@code PLAINTEXT://127.0.0.1:9092}, {@code PLAINTEXT_HOST://:9092} or {@code [::1]:9092}
   * (no name: {@code PLAINTEXT}). Names are upper-cased, as Kafka does.
   */
  static Endpoint parse(String text) {
    String rest = text.trim();
    String name = "PLAINTEXT";
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      name = rest.substring(0, scheme).toUpperCase(java.util.Locale.ROOT);
      rest = rest.substring(scheme + 3);
    }
    if (!name.matches("[A-Z0-9_]+")) {
      throw new IllegalArgumentException("bad listener name '" + name + "' in '" + text + "'");
    }
    int colon = rest.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, got '" + text + "'");
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

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return listenerName + "://" + h + ":" + port;
  }
}
