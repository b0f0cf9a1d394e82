package io.sluice.broker.config;

import java.util.Locale;

/**
 * The security protocols of Kafka's {@code listener.security.protocol.map}. Which of them a broker
 * can serve is decided in {@link BrokerConfig}; the names are Kafka's.
 */
public enum SecurityProtocol {
  PLAINTEXT,
  SSL,
  SASL_PLAINTEXT,
  SASL_SSL;

  /** The protocol of that name (any case), or null. */
  static SecurityProtocol forName(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
