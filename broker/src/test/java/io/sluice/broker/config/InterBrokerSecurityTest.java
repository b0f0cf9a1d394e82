package io.sluice.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The inter-broker keys with Kafka's rules: {@code security.inter.broker.protocol} names the
 * listener called after the protocol and excludes {@code inter.broker.listener.name}; with a SASL
 * inter-broker listener, {@code sasl.mechanism.inter.broker.protocol} must be a mechanism Sluice
 * has (not Kafka's default GSSAPI), enabled on that listener, with this broker's own credentials in
 * that mechanism's JAAS entry; with TLS, the listener's settings (host name check included) are the
 * client side.
 */
class InterBrokerSecurityTest {
  private static final String SCRAM_JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\""
          + " password=\"secret\";";

  private static Map<String, String> saslSsl(String... more) {
    Map<String, String> config = new HashMap<>();
    config.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
    config.put("ssl.keystore.location", "broker.p12");
    config.put("ssl.keystore.type", "PKCS12");
    config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", SCRAM_JAAS);
    for (int i = 0; i < more.length; i += 2) {
      config.put(more[i], more[i + 1]);
    }
    return config;
  }

  private static String refusal(Map<String, String> raw) {
    return assertThrows(ConfigException.class, () -> InterBrokerSecurity.of(BrokerConfig.from(raw)))
        .getMessage();
  }

  @Test
  void securityInterBrokerProtocol_namesTheListenerCalledAfterIt() {
    BrokerConfig config =
        BrokerConfig.from(
            saslSsl(
                "security.inter.broker.protocol", "sasl_ssl",
                "sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512"));
    assertEquals("SASL_SSL", config.listeners().interBrokerListenerName());
    InterBrokerSecurity security = InterBrokerSecurity.of(config);
    assertEquals("SASL_SSL", security.listenerName());
    assertEquals(SecurityProtocol.SASL_SSL, security.protocol());
    assertTrue(security.tls());
    assertTrue(security.ssl().verifyHostname(), "Kafka's default https");
    assertEquals("SCRAM-SHA-512", security.saslMechanism());
    assertEquals("broker", security.credentials().username());
    assertEquals("secret", security.credentials().password());
    assertFalse(security.toString().contains("secret"), security.toString());
  }

  @Test
  void securityInterBrokerProtocol_withoutSuchListener_orTogetherWithTheListenerName_refused() {
    String missing =
        assertThrows(
                ConfigException.class,
                () ->
                    BrokerConfig.from(
                        Map.of(
                            "listeners", "INTERNAL://127.0.0.1:0",
                            "listener.security.protocol.map", "INTERNAL:PLAINTEXT",
                            "security.inter.broker.protocol", "PLAINTEXT")))
            .getMessage();
    assertTrue(
        missing.contains("'security.inter.broker.protocol'")
            && missing.contains("the one named PLAINTEXT, and there is none"),
        missing);
    String both =
        assertThrows(
                ConfigException.class,
                () ->
                    BrokerConfig.from(
                        Map.of(
                            "security.inter.broker.protocol", "PLAINTEXT",
                            "inter.broker.listener.name", "PLAINTEXT")))
            .getMessage();
    assertEquals(
        "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.",
        both);
    String unknown =
        assertThrows(
                ConfigException.class,
                () -> BrokerConfig.from(Map.of("security.inter.broker.protocol", "TLS")))
            .getMessage();
    assertTrue(unknown.contains("unknown security protocol"), unknown);
  }

  @Test
  void neitherKey_theFirstListener_plaintextNeedsNothing() {
    InterBrokerSecurity security = InterBrokerSecurity.of(BrokerConfig.from(Map.of()));
    assertEquals("PLAINTEXT", security.listenerName());
    assertFalse(security.tls());
    assertFalse(security.sasl());
    assertNull(security.credentials());
  }

  @Test
  void saslInterBrokerListener_kafkasDefaultGssapi_refusedNamingTheKey() {
    String gssapi = refusal(saslSsl("inter.broker.listener.name", "SASL_SSL"));
    assertTrue(
        gssapi.startsWith(
            "invalid value 'GSSAPI' for configuration key 'sasl.mechanism.inter.broker.protocol'"),
        gssapi);
    assertTrue(gssapi.contains("GSSAPI is Kafka's default, set this key"), gssapi);
  }

  @Test
  void saslInterBrokerListener_mechanismNotEnabled_refused() {
    String message =
        refusal(
            saslSsl(
                "inter.broker.listener.name", "SASL_SSL",
                "sasl.mechanism.inter.broker.protocol", "PLAIN"));
    assertTrue(
        message.contains(
            "sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms"),
        message);
  }

  @Test
  void saslInterBrokerListener_withoutOwnCredentials_refusedNamingTheJaasKey() {
    Map<String, String> raw =
        saslSsl(
            "inter.broker.listener.name", "SASL_SSL",
            "sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    raw.remove("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config");
    String message = refusal(raw);
    assertTrue(
        message.contains("'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config'"), message);
  }

  @Test
  void singleNodeWithASaslFirstListener_notChecked() {
    // Only cluster mode asks for InterBrokerSecurity: a single node keeps starting as before.
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "listeners",
                "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms",
                "SCRAM-SHA-256"));
    assertEquals("SASL_PLAINTEXT", config.listeners().first().listenerName());
  }

  @Test
  void endpointIdentificationEmpty_noHostNameCheck() {
    InterBrokerSecurity security =
        InterBrokerSecurity.of(
            BrokerConfig.from(
                Map.of(
                    "listeners", "SSL://127.0.0.1:0",
                    "ssl.keystore.location", "broker.p12",
                    "listener.name.ssl.ssl.endpoint.identification.algorithm", "")));
    assertTrue(security.tls());
    assertFalse(security.ssl().verifyHostname());
  }
}
