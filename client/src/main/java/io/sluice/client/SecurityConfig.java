package io.sluice.client;

import io.sluice.protocol.sasl.JaasConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a client protects its connections, from Kafka's client keys: {@code security.protocol}
 * ({@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}); for {@code SSL} and
 * {@code SASL_SSL}, the trust store that must vouch for the broker's certificate and, for mutual
 * TLS, the key store with the client's own certificate; for the SASL protocols, {@code
 * sasl.mechanism} (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512) and {@code sasl.jaas.config} (Kafka's
 * {@code PlainLoginModule} or {@code ScramLoginModule} entry with {@code username} and {@code
 * password}). Immutable; {@link #toString} hides passwords.
 *
 * @param securityProtocol {@code security.protocol}: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
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
 * @param saslMechanism {@code sasl.mechanism}: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (Kafka's
 *     default, GSSAPI, is refused with a SASL protocol)
 * @param saslJaasConfig {@code sasl.jaas.config}: the login module entry with the user's name and
 *     password; empty without SASL
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
    String endpointIdentification,
    String saslMechanism,
    String saslJaasConfig) {

  /** The keys read by {@link #from}, with their defaults (Kafka's). */
  static final Map<String, String> KEYS =
      Map.ofEntries(
          Map.entry("security.protocol", "PLAINTEXT"),
          Map.entry("ssl.truststore.type", "JKS"),
          Map.entry("ssl.truststore.location", ""),
          Map.entry("ssl.truststore.password", ""),
          Map.entry("ssl.keystore.type", "JKS"),
          Map.entry("ssl.keystore.location", ""),
          Map.entry("ssl.keystore.password", ""),
          Map.entry("ssl.key.password", ""),
          Map.entry("ssl.endpoint.identification.algorithm", "https"),
          Map.entry("sasl.mechanism", "GSSAPI"),
          Map.entry("sasl.jaas.config", ""));

  /** The SASL mechanisms this client implements. */
  static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  private static final Set<String> STORE_TYPES = Set.of("JKS", "PKCS12", "PEM");

  /** No TLS. (After the tables above: the constructor reads them.) */
  public static final SecurityConfig PLAINTEXT =
      new SecurityConfig("PLAINTEXT", "JKS", "", "", "JKS", "", "", "", "https", "GSSAPI", "");

  public SecurityConfig {
    securityProtocol = securityProtocol.trim().toUpperCase(Locale.ROOT);
    truststoreType = truststoreType.trim().toUpperCase(Locale.ROOT);
    keystoreType = keystoreType.trim().toUpperCase(Locale.ROOT);
    endpointIdentification = endpointIdentification.trim();
    saslMechanism = saslMechanism.trim().toUpperCase(Locale.ROOT);
    saslJaasConfig = saslJaasConfig.trim();
    ConfigChecks.require(
        PROTOCOLS.contains(securityProtocol), "security.protocol", securityProtocol);
    if (securityProtocol.startsWith("SASL_")) {
      if (!SASL_MECHANISMS.contains(saslMechanism)) {
        throw new IllegalArgumentException(
            "invalid value sasl.mechanism="
                + saslMechanism
                + ": with security.protocol="
                + securityProtocol
                + " use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
      }
      loginEntry(saslMechanism, saslJaasConfig); // checks it now
    }
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
        get.apply("ssl.endpoint.identification.algorithm"),
        get.apply("sasl.mechanism"),
        get.apply("sasl.jaas.config"));
  }

  /** Whether connections use TLS. */
  public boolean tls() {
    return securityProtocol.equals("SSL") || securityProtocol.equals("SASL_SSL");
  }

  /** Whether connections authenticate with SASL. */
  public boolean sasl() {
    return securityProtocol.startsWith("SASL_");
  }

  /** The SASL user name ({@code username} of {@code sasl.jaas.config}); only with SASL. */
  public String saslUsername() {
    return loginEntry(saslMechanism, saslJaasConfig).option("username");
  }

  /** The SASL password ({@code password} of {@code sasl.jaas.config}); only with SASL. */
  public String saslPassword() {
    return loginEntry(saslMechanism, saslJaasConfig).option("password");
  }

  /** The JAAS entry, checked: the mechanism's login module, a user name and a password. */
  private static JaasConfig loginEntry(String mechanism, String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "sasl.jaas.config is required with SASL: "
              + (mechanism.equals("PLAIN")
                  ? JaasConfig.PLAIN_LOGIN_MODULE
                  : JaasConfig.SCRAM_LOGIN_MODULE)
              + " required username=\"...\" password=\"...\";");
    }
    JaasConfig entry;
    try {
      entry = JaasConfig.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid value of sasl.jaas.config: " + e.getMessage());
    }
    String module =
        mechanism.equals("PLAIN") ? JaasConfig.PLAIN_LOGIN_MODULE : JaasConfig.SCRAM_LOGIN_MODULE;
    if (!entry.loginModule().equals(module)) {
      throw new IllegalArgumentException(
          "invalid value of sasl.jaas.config: sasl.mechanism="
              + mechanism
              + " needs "
              + module
              + ", not "
              + entry.loginModule());
    }
    if (entry.option("username") == null || entry.option("password") == null) {
      throw new IllegalArgumentException(
          "invalid value of sasl.jaas.config: it needs username=\"...\" and password=\"...\"");
    }
    return entry;
  }

  @Override
  public String toString() {
    String sasl = sasl() ? ", " + saslMechanism + " as " + saslUsername() : "";
    return tls()
        ? "SecurityConfig["
            + securityProtocol
            + sasl
            + ", truststore="
            + truststoreType
            + " "
            + (truststoreLocation.isEmpty() ? "(JDK default)" : truststoreLocation)
            + (keystoreLocation.isEmpty()
                ? ""
                : ", keystore=" + keystoreType + " " + keystoreLocation)
            + "]"
        : "SecurityConfig[" + securityProtocol + sasl + "]";
  }
}
