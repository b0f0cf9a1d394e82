package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Admin;
import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.SecurityConfig;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import io.sluice.client.testing.TestTls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sluice's client over TLS with Kafka's client keys ({@code security.protocol=SSL}, {@code
 * ssl.truststore.*}, {@code ssl.keystore.*}): producer, consumer and admin against an SSL listener,
 * mutual TLS, and the failures a user meets (a broker not trusted, a trust store that cannot be
 * read, SASL asked for without a mechanism).
 */
@Timeout(120)
class TlsClientIT {

  @Test
  void produceConsumeAndAdminOverTls() throws Exception {
    TestTls tls = TestTls.get();
    try (TestBroker broker = TestBroker.start(tls.brokerConfig(false))) {
      SecurityConfig security = SecurityConfig.from(tls.clientProperties(false));
      try (Admin admin = new Admin(broker.bootstrap(), Duration.ofSeconds(20), security)) {
        admin.createTopic("secure", 1, Map.of());
        assertEquals(Set.of("secure"), admin.listTopics());
      }
      roundTrip(broker.bootstrap(), tls.clientProperties(false), "secure", 500);
    }
  }

  @Test
  void mutualTls_withTheClientCertificate() throws Exception {
    TestTls tls = TestTls.get();
    try (TestBroker broker = TestBroker.start(tls.brokerConfig(true))) {
      roundTrip(broker.bootstrap(), tls.clientProperties(true), "mutual", 50);
      // Without the certificate the broker refuses the handshake: the admin call fails.
      try (Admin admin =
          new Admin(
              broker.bootstrap(),
              Duration.ofSeconds(5),
              SecurityConfig.from(tls.clientProperties(false)))) {
        assertThrows(RuntimeException.class, admin::listTopics);
      }
    }
  }

  @Test
  void aBrokerTheTrustStoreDoesNotVouchFor_isRefused_andBadSettingsFailNamingTheKey()
      throws Exception {
    TestTls tls = TestTls.get();
    try (TestBroker broker = TestBroker.start(tls.brokerConfig(false))) {
      Map<String, String> noTrust = new HashMap<>(tls.clientProperties(false));
      noTrust.remove("ssl.truststore.location");
      noTrust.remove("ssl.truststore.password");
      try (Admin admin =
          new Admin(broker.bootstrap(), Duration.ofSeconds(5), SecurityConfig.from(noTrust))) {
        assertThrows(RuntimeException.class, admin::listTopics, "the JDK's CAs do not know it");
      }
    }
    IllegalArgumentException sasl =
        assertThrows(
            IllegalArgumentException.class,
            () -> SecurityConfig.from(Map.of("security.protocol", "SASL_SSL")));
    assertTrue(sasl.getMessage().contains("sasl.mechanism=GSSAPI"), sasl.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Admin(
                    "127.0.0.1:1",
                    Duration.ofSeconds(1),
                    SecurityConfig.from(
                        Map.of(
                            "security.protocol",
                            "SSL",
                            "ssl.truststore.location",
                            "/nonexistent/trust.p12"))));
    assertTrue(
        missing.getMessage().startsWith("invalid value ssl.truststore.location=/nonexistent"),
        missing.getMessage());
  }

  private static void roundTrip(
      String bootstrap, Map<String, String> security, String topic, int count) {
    ProducerConfig producerConfig =
        ProducerConfig.builder().bootstrapServers(bootstrap).properties(security).build();
    assertTrue(producerConfig.security().tls());
    try (Producer<byte[], byte[]> producer = new Producer<>(producerConfig)) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, value(i)));
      }
      producer.flush();
    }
    ConsumerConfig consumerConfig =
        ConsumerConfig.builder()
            .bootstrapServers(bootstrap)
            .properties(security)
            .fetchMaxWaitMs(50)
            .build();
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(consumerConfig)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> records = ConsumerIT.pollUntil(consumer, count);
      assertEquals(count, records.size());
      for (int i = 0; i < count; i++) {
        assertEquals(i, records.get(i).offset());
        assertArrayEquals(value(i), records.get(i).value());
      }
    }
  }

  private static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(200)).getBytes(StandardCharsets.UTF_8);
  }
}
