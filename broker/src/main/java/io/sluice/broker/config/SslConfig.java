package io.sluice.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The TLS settings of one {@code SSL} listener, from Kafka's {@code ssl.*} keys, each possibly
 * overridden for that listener by {@code listener.name.<name>.ssl.*}. Checked here for what can be
 * checked without reading files (a key store is given, the types and values are known); the stores
 * themselves are opened when the listener is bound, and a file that cannot be read or a wrong
 * password stops the broker there, naming the key. Immutable; {@link #toString} hides passwords and
 * keys.
 *
 * @param keystoreType JKS, PKCS12 or PEM
 * @param keystoreLocation the key store file, or empty (PEM given inline)
 * @param keystoreCertificateChain with PEM: the certificate chain inline, or empty
 * @param keystoreKey with PEM: the private key inline, or empty
 * @param truststoreType JKS, PKCS12 or PEM
 * @param truststoreLocation the trust store file, or empty (PEM inline, or none: the JDK's CAs)
 * @param truststoreCertificates with PEM: the trusted certificates inline, or empty
 * @param clientAuth whether clients must, may or need not present a certificate
 * @param enabledProtocols TLS versions, a subset of TLSv1.2 and TLSv1.3
 * @param cipherSuites cipher suites, empty for the JDK's defaults
 * @param engine which TLS implementation serves the listener
 * @param verifyHostname {@code ssl.endpoint.identification.algorithm=https}: a follower connecting
 *     to this listener of another broker checks that the certificate names the host it connects to
 */
public record SslConfig(
    String listenerName,
    String keystoreType,
    String keystoreLocation,
    String keystorePassword,
    String keyPassword,
    String keystoreCertificateChain,
    String keystoreKey,
    String truststoreType,
    String truststoreLocation,
    String truststorePassword,
    String truststoreCertificates,
    ClientAuth clientAuth,
    List<String> enabledProtocols,
    List<String> cipherSuites,
    Engine engine,
    boolean verifyHostname) {

  /** Kafka's {@code ssl.client.auth} values. */
  public enum ClientAuth {
    NONE,
    REQUESTED,
    REQUIRED
  }

  /**
   * {@code ssl.engine}: OpenSSL through Netty's tcnative, the JDK's engine, or the first that
   * loads.
   */
  public enum Engine {
    AUTO,
    OPENSSL,
    JDK
  }

  static final Set<String> STORE_TYPES = Set.of("JKS", "PKCS12", "PEM");
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  public SslConfig {
    enabledProtocols = List.copyOf(enabledProtocols);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /**
   * The settings of listener {@code name}: each {@code ssl.*} key from {@code overrides} (its
   * {@code listener.name.<name>.} keys) if set there, else from {@code base}.
   */
  static SslConfig parse(
      String name, Map<ConfigKey, String> base, Map<ConfigKey, String> overrides) {
    Values v = new Values(name, base, overrides);
    String keystoreType = v.storeType(ConfigKey.SSL_KEYSTORE_TYPE);
    String truststoreType = v.storeType(ConfigKey.SSL_TRUSTSTORE_TYPE);
    String location = v.get(ConfigKey.SSL_KEYSTORE_LOCATION);
    String chain = v.get(ConfigKey.SSL_KEYSTORE_CERTIFICATE_CHAIN);
    String key = v.get(ConfigKey.SSL_KEYSTORE_KEY);
    if (!chain.isEmpty() || !key.isEmpty()) {
      if (!keystoreType.equals("PEM")) {
        throw v.bad(
            ConfigKey.SSL_KEYSTORE_KEY,
            "ssl.keystore.key and ssl.keystore.certificate.chain need ssl.keystore.type=PEM");
      }
      if (chain.isEmpty() || key.isEmpty() || !location.isEmpty()) {
        throw v.bad(
            ConfigKey.SSL_KEYSTORE_KEY,
            "give both ssl.keystore.key and ssl.keystore.certificate.chain, and no"
                + " ssl.keystore.location");
      }
    } else if (location.isEmpty()) {
      throw v.bad(
          ConfigKey.SSL_KEYSTORE_LOCATION,
          "listener "
              + name
              + " is SSL and needs a key store: ssl.keystore.location (or, with"
              + " ssl.keystore.type=PEM, ssl.keystore.key and ssl.keystore.certificate.chain)");
    }
    String trustLocation = v.get(ConfigKey.SSL_TRUSTSTORE_LOCATION);
    String trustCerts = v.get(ConfigKey.SSL_TRUSTSTORE_CERTIFICATES);
    if (!trustCerts.isEmpty() && (!truststoreType.equals("PEM") || !trustLocation.isEmpty())) {
      throw v.bad(
          ConfigKey.SSL_TRUSTSTORE_CERTIFICATES,
          "ssl.truststore.certificates needs ssl.truststore.type=PEM and no"
              + " ssl.truststore.location");
    }
    ClientAuth clientAuth;
    try {
      clientAuth = ClientAuth.valueOf(v.get(ConfigKey.SSL_CLIENT_AUTH).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw v.bad(ConfigKey.SSL_CLIENT_AUTH, "must be none, requested or required");
    }
    List<String> protocols = v.list(ConfigKey.SSL_ENABLED_PROTOCOLS);
    if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols)) {
      throw v.bad(ConfigKey.SSL_ENABLED_PROTOCOLS, "supported: TLSv1.2, TLSv1.3");
    }
    String endpointCheck = v.get(ConfigKey.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM);
    if (!endpointCheck.isEmpty() && !endpointCheck.equalsIgnoreCase("https")) {
      throw v.bad(ConfigKey.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, "must be https or empty");
    }
    Engine engine;
    try {
      engine = Engine.valueOf(v.get(ConfigKey.SSL_ENGINE).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw v.bad(ConfigKey.SSL_ENGINE, "must be auto, openssl or jdk");
    }
    return new SslConfig(
        name,
        keystoreType,
        location,
        v.get(ConfigKey.SSL_KEYSTORE_PASSWORD),
        v.get(ConfigKey.SSL_KEY_PASSWORD),
        chain,
        key,
        truststoreType,
        trustLocation,
        v.get(ConfigKey.SSL_TRUSTSTORE_PASSWORD),
        trustCerts,
        clientAuth,
        protocols,
        v.list(ConfigKey.SSL_CIPHER_SUITES),
        engine,
        !endpointCheck.isEmpty());
  }

  /**
   * The name under which {@code key} was set for this listener: {@code listener.name.<name>.ssl...}
   * if overridden, else the plain key. For error messages.
   */
  public static String keyName(String listenerName, ConfigKey key, boolean overridden) {
    return overridden
        ? "listener.name." + listenerName.toLowerCase(Locale.ROOT) + "." + key.key()
        : key.key();
  }

  @Override
  public String toString() {
    return "SslConfig[listener="
        + listenerName
        + ", keystore="
        + keystoreType
        + (keystoreLocation.isEmpty() ? " (inline)" : " " + keystoreLocation)
        + ", truststore="
        + truststoreType
        + (truststoreLocation.isEmpty() ? "" : " " + truststoreLocation)
        + ", clientAuth="
        + clientAuth
        + ", protocols="
        + enabledProtocols
        + ", cipherSuites="
        + cipherSuites
        + ", engine="
        + engine
        + ", verifyHostname="
        + verifyHostname
        + "]";
  }

  /** A listener's view of the keys: its overrides first. */
  private record Values(
      String name, Map<ConfigKey, String> base, Map<ConfigKey, String> overrides) {
    String get(ConfigKey key) {
      String value = overrides.get(key);
      return (value != null ? value : base.get(key)).trim();
    }

    String storeType(ConfigKey key) {
      String type = get(key).toUpperCase(Locale.ROOT);
      if (!STORE_TYPES.contains(type)) {
        throw bad(key, "must be JKS, PKCS12 or PEM");
      }
      return type;
    }

    List<String> list(ConfigKey key) {
      List<String> items = new ArrayList<>();
      for (String item : get(key).split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return items;
    }

    ConfigException bad(ConfigKey key, String why) {
      boolean overridden = overrides.containsKey(key);
      String value =
          key.key().contains("password") || key == ConfigKey.SSL_KEYSTORE_KEY
              ? "(hidden)"
              : get(key);
      return new ConfigException(
          "invalid value '"
              + value
              + "' for configuration key '"
              + keyName(name, key, overridden)
              + "': "
              + why);
    }
  }
}
