package io.sluice.client;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a client protects its connections, from Kafka's client keys: {@code security.protocol}
 * ({@code PLAINTEXT} or {@code SSL}; the SASL protocols are not supported yet) and, for {@code
 * SSL}, the trust store that must vouch for the broker's certificate and, for mutual TLS, the key
 * store with the client's own certificate. Immutable; {@link #toString} hides passwords.
 *
 * @param securityProtocol {@code security.protocol}: PLAINTEXT or SSL
 * @param truststoreType {@code ssl.truststore.type}: JKS, PKCS12 or PEM
 * @param truststoreLocation {@code ssl.truststore.location}; empty: the JDK's certificate
 *     authorities
 * @param truststorePassword {@code ssl.truststore.password}
 * @param keystoreType {@code ssl.keystore.type}: JKS, PKCS12 or PEM (one file: chain and PKCS#8
 *     key)
 * @param keystoreLocation {@code ssl.keystore.location}; empty: no client certificate
 * @param keystorePassword {@code ssl.keystore.password}
 * @param keyPassword {@code ssl.key.password}; empty: the key store's password
 * @param endpointIdentification {@code ssl.endpoint.identification.algorithm}: {@code https} (the
 *     default: the broker's certificate must name the host connected to) or empty (no check)
 */
public record SecurityConfig(
    String securityProtocol,
    String truststoreType,
    String truststoreLocation,
    String truststorePassword,
    String keystoreType,
    String keystoreLocation,
    String keystorePassword,
    String keyPassword,
    String endpointIdentification) {

  /** The keys read by {@link #from}, with their defaults (Kafka's). */
  static final Map<String, String> KEYS =
      Map.of(
          "security.protocol", "PLAINTEXT",
          "ssl.truststore.type", "JKS",
          "ssl.truststore.location", "",
          "ssl.truststore.password", "",
          "ssl.keystore.type", "JKS",
          "ssl.keystore.location", "",
          "ssl.keystore.password", "",
          "ssl.key.password", "",
          "ssl.endpoint.identification.algorithm", "https");

  private static final Set<String> STORE_TYPES = Set.of("JKS", "PKCS12", "PEM");

  /** No TLS. (After the tables above: the constructor reads them.) */
  public static final SecurityConfig PLAINTEXT =
      new SecurityConfig("PLAINTEXT", "JKS", "", "", "JKS", "", "", "", "https");

  public SecurityConfig {
    securityProtocol = securityProtocol.trim().toUpperCase(Locale.ROOT);
    truststoreType = truststoreType.trim().toUpperCase(Locale.ROOT);
    keystoreType = keystoreType.trim().toUpperCase(Locale.ROOT);
    endpointIdentification = endpointIdentification.trim();
    if (securityProtocol.startsWith("SASL_")) {
      throw new IllegalArgumentException(
          "invalid value security.protocol="
              + securityProtocol
              + ": SASL is not supported yet (PLAINTEXT or SSL)");
    }
    ConfigChecks.require(
        securityProtocol.equals("PLAINTEXT") || securityProtocol.equals("SSL"),
        "security.protocol",
        securityProtocol);
    ConfigChecks.require(
        STORE_TYPES.contains(truststoreType), "ssl.truststore.type", truststoreType);
    ConfigChecks.require(STORE_TYPES.contains(keystoreType), "ssl.keystore.type", keystoreType);
    ConfigChecks.require(
        endpointIdentification.isEmpty() || endpointIdentification.equalsIgnoreCase("https"),
        "ssl.endpoint.identification.algorithm",
        endpointIdentification);
  }

  /**
   * The settings among {@code properties} (Kafka's key names; other keys are ignored, missing ones
   * take Kafka's defaults), e.g. a {@code --command-config} file's.
   */
  public static SecurityConfig from(Map<String, ?> properties) {
    java.util.function.Function<String, String> get =
        key -> {
          Object value = properties.get(key);
          return value == null ? KEYS.get(key) : value.toString();
        };
    return new SecurityConfig(
        get.apply("security.protocol"),
        get.apply("ssl.truststore.type"),
        get.apply("ssl.truststore.location"),
        get.apply("ssl.truststore.password"),
        get.apply("ssl.keystore.type"),
        get.apply("ssl.keystore.location"),
        get.apply("ssl.keystore.password"),
        get.apply("ssl.key.password"),
        get.apply("ssl.endpoint.identification.algorithm"));
  }

  /** Whether connections use TLS. */
  public boolean tls() {
    return securityProtocol.equals("SSL");
  }

  @Override
  public String toString() {
    return tls()
        ? "SecurityConfig[SSL, truststore="
            + truststoreType
            + " "
            + (truststoreLocation.isEmpty() ? "(JDK default)" : truststoreLocation)
            + (keystoreLocation.isEmpty()
                ? ""
                : ", keystore=" + keystoreType + " " + keystoreLocation)
            + "]"
        : "SecurityConfig[PLAINTEXT]";
  }
}
