package io.sluice.broker.config;

/**
 * One listener address in Kafka's {@code SECURITY_PROTOCOL://host:port} form. Only {@code
 * PLAINTEXT} exists so far. An empty host means every interface; port 0 means "any free port" (the
 * bound port is advertised).
 */
public record Endpoint(String protocol, String host, int port) {

  public Endpoint {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port=" + port + " outside 0..65535");
    }
  }

  /** Parses {@code PLAINTEXT://127.0.0.1:9092}, {@code PLAINTEXT://:9092} or {@code [::1]:9092}. */
  static Endpoint parse(String text) {
    String rest = text.trim();
    String protocol = "PLAINTEXT";
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      protocol = rest.substring(0, scheme);
      rest = rest.substring(scheme + 3);
    }
    if (!protocol.equals("PLAINTEXT")) {
      throw new IllegalArgumentException("protocol " + protocol + " is not supported (PLAINTEXT)");
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
    return new Endpoint(protocol, host, port);
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return protocol + "://" + h + ":" + port;
  }
}
