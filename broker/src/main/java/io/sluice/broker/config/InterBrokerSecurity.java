package io.sluice.broker.config;

import java.util.Locale;

/**
 * How this broker connects to other brokers (its followers' fetch connections, the only
 * broker-to-broker connections): to their inter-broker listener ({@code inter.broker.listener.name}
 * or {@code security.inter.broker.protocol}, else the first listener), with that listener's
 * security protocol and, as in Kafka, with that listener's own settings from the client side:
 *
 * <ul>
 *   <li>TLS ({@code SSL}, {@code SASL_SSL}): the listener's trust store checks the other broker's
 *       certificate, its key store is presented as the client certificate (so with {@code
 *       ssl.client.auth=required} or {@code requested} the other broker sees this broker's
 *       certificate), and {@code ssl.endpoint.identification.algorithm=https} checks the host name;
 *   <li>SASL ({@code SASL_PLAINTEXT}, {@code SASL_SSL}): the mechanism {@code
 *       sasl.mechanism.inter.broker.protocol}, which must be enabled on that listener, with the
 *       {@code username} and {@code password} of that mechanism's JAAS entry ({@code
 *       listener.name.<l>.<mechanism>.sasl.jaas.config}).
 * </ul>
 *
 * Checked only in cluster mode (a single node opens no inter-broker connection): {@link #of} fails
 * with a {@link ConfigException} naming the key when the mechanism is not one Sluice has (Kafka's
 * default GSSAPI included), is not enabled on the listener, or has no credentials. Immutable; no
 * password in {@link #toString}.
 *
 * @param ssl the listener's TLS settings, or null when the protocol has no TLS
 * @param saslMechanism the SASL mechanism, or null when the protocol has no SASL
 * @param credentials the broker's own user name and password, or null without SASL
 */
public record InterBrokerSecurity(
    String listenerName,
    SecurityProtocol protocol,
    SslConfig ssl,
    String saslMechanism,
    SaslConfig.Credentials credentials) {

  /** The inter-broker settings of {@code config}, validated. */
  public static InterBrokerSecurity of(BrokerConfig config) {
    Listeners listeners = config.listeners();
    String name =
        listeners.interBrokerListenerName() != null
            ? listeners.interBrokerListenerName()
            : listeners.first().listenerName();
    SecurityProtocol protocol = listeners.protocol(name);
    SslConfig ssl = listeners.ssl(name);
    SaslConfig sasl = listeners.sasl(name);
    if (sasl == null) {
      return new InterBrokerSecurity(name, protocol, ssl, null, null);
    }
    ConfigKey key = ConfigKey.SASL_MECHANISM_INTER_BROKER_PROTOCOL;
    String value = config.value(key.key()).trim();
    String mechanism = value.toUpperCase(Locale.ROOT);
    if (!SaslConfig.SUPPORTED.contains(mechanism)) {
      throw new ConfigException(
          "invalid value '"
              + value
              + "' for configuration key '"
              + key.key()
              + "': the inter-broker listener "
              + name
              + " is "
              + protocol
              + " and mechanism "
              + mechanism
              + " is not supported (supported: "
              + String.join(", ", SaslConfig.SUPPORTED)
              + (mechanism.equals("GSSAPI") ? "; GSSAPI is Kafka's default, set this key" : "")
              + ")");
    }
    if (!sasl.enabledMechanisms().contains(mechanism)) {
      throw new ConfigException(
          "invalid value '"
              + value
              + "' for configuration key '"
              + key.key()
              + "': "
              + key.key()
              + " must be included in sasl.enabled.mechanisms when SASL is used for inter-broker"
              + " communication (listener "
              + name
              + " enables "
              + String.join(",", sasl.enabledMechanisms())
              + ")");
    }
    SaslConfig.Credentials credentials = sasl.ownCredentials().get(mechanism);
    if (credentials == null) {
      throw new ConfigException(
          "the inter-broker listener "
              + name
              + " authenticates brokers with "
              + mechanism
              + " ("
              + key.key()
              + "): give this broker's own username and password in '"
              + SaslConfig.jaasKey(name, mechanism)
              + "'");
    }
    return new InterBrokerSecurity(name, protocol, ssl, mechanism, credentials);
  }

  /** Whether connections to other brokers use TLS. */
  public boolean tls() {
    return ssl != null;
  }

  /** Whether connections to other brokers authenticate with SASL. */
  public boolean sasl() {
    return saslMechanism != null;
  }

  @Override
  public String toString() {
    return "InterBrokerSecurity[listener="
        + listenerName
        + ", protocol="
        + protocol
        + (sasl() ? ", mechanism=" + saslMechanism + ", user=" + credentials.username() : "")
        + "]";
  }
}
