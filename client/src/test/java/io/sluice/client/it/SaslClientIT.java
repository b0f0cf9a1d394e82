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
import io.sluice.client.ScramCredentialInfo;
import io.sluice.client.SecurityConfig;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import io.sluice.client.testing.TestTls;
import io.sluice.protocol.Errors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sluice's client over SASL with Kafka's client keys ({@code security.protocol=SASL_PLAINTEXT} or
 * {@code SASL_SSL}, {@code sasl.mechanism}, {@code sasl.jaas.config}): producer, consumer and admin
 * for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; SCRAM users created, described and deleted through
 * {@code Admin}; a wrong password and bad settings refused with a message that says why.
 */
@Timeout(180)
class SaslClientIT {
  private static final String PLAIN_USERS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

  private static TestTls tls;
  private static TestBroker broker;

  @BeforeAll
  static void start() throws Exception {
    tls = TestTls.get();
    Map<String, String> config = new HashMap<>(tls.brokerConfig(false));
    config.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
    config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
    config.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_USERS);
    config.put("listener.name.sasl_ssl.plain.sasl.jaas.config", PLAIN_USERS);
    config.put("connection.failed.authentication.delay.ms", "50");
    broker = TestBroker.start(config);
    try (Admin admin =
        new Admin(
            broker.bootstrap("SASL_PLAINTEXT"),
            Duration.ofSeconds(20),
            SecurityConfig.from(sasl("SASL_PLAINTEXT", "PLAIN", "admin", "admin-secret")))) {
      admin.upsertUserScramCredential("bob", "SCRAM-SHA-256", 4096, "bob-256");
      admin.upsertUserScramCredential("bob", "SCRAM-SHA-512", 8192, "bob-512");
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  /** Kafka's client keys for SASL, with TLS settings for SASL_SSL. */
  static Map<String, String> sasl(String protocol, String mechanism, String user, String password) {
    Map<String, String> props = new HashMap<>();
    if (protocol.equals("SASL_SSL")) {
      props.putAll(tls.clientProperties(false));
    }
    props.put("security.protocol", protocol);
    props.put("sasl.mechanism", mechanism);
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    props.put(
        "sasl.jaas.config",
        module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return props;
  }

  @ParameterizedTest
  @CsvSource({
    "SASL_PLAINTEXT, PLAIN, alice, alice-secret",
    "SASL_PLAINTEXT, SCRAM-SHA-256, bob, bob-256",
    "SASL_PLAINTEXT, SCRAM-SHA-512, bob, bob-512",
    "SASL_SSL, PLAIN, alice, alice-secret",
    "SASL_SSL, SCRAM-SHA-256, bob, bob-256",
    "SASL_SSL, SCRAM-SHA-512, bob, bob-512"
  })
  void producerConsumerAndAdmin(String protocol, String mechanism, String user, String password)
      throws Exception {
    String bootstrap = broker.bootstrap(protocol);
    Map<String, String> security = sasl(protocol, mechanism, user, password);
    String topic = "c-" + protocol.toLowerCase() + "-" + mechanism.toLowerCase();
    try (Admin admin =
        new Admin(bootstrap, Duration.ofSeconds(20), SecurityConfig.from(security))) {
      admin.createTopic(topic, 1, Map.of());
      assertTrue(admin.listTopics().contains(topic));
      Map<String, List<ScramCredentialInfo>> users = admin.describeUserScramCredentials();
      assertEquals(
          List.of(
              new ScramCredentialInfo("SCRAM-SHA-256", 4096),
              new ScramCredentialInfo("SCRAM-SHA-512", 8192)),
          users.get("bob"));
    }
    ProducerConfig producerConfig =
        ProducerConfig.builder().bootstrapServers(bootstrap).properties(security).build();
    assertTrue(producerConfig.security().sasl());
    try (Producer<byte[], byte[]> producer = new Producer<>(producerConfig)) {
      for (int i = 0; i < 50; i++) {
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
      List<ConsumerRecord<byte[], byte[]>> records = ConsumerIT.pollUntil(consumer, 50);
      assertEquals(50, records.size());
      for (int i = 0; i < 50; i++) {
        assertEquals(i, records.get(i).offset());
        assertArrayEquals(value(i), records.get(i).value());
      }
    }
  }

  @Test
  void scramUsersAreManagedThroughAdmin_andAWrongPasswordIsRefused() {
    String bootstrap = broker.bootstrap("SASL_PLAINTEXT");
    SecurityConfig admin =
        SecurityConfig.from(sasl("SASL_PLAINTEXT", "PLAIN", "admin", "admin-secret"));
    try (Admin a = new Admin(bootstrap, Duration.ofSeconds(20), admin)) {
      a.upsertUserScramCredential("carol", "SCRAM-SHA-256", 4096, "carol-1");
      SluiceClientException tooFew =
          assertThrows(
              SluiceClientException.class,
              () -> a.upsertUserScramCredential("dave", "SCRAM-SHA-256", 100, "x"));
      assertEquals(Errors.UNACCEPTABLE_CREDENTIAL, tooFew.error());
      assertTrue(tooFew.getMessage().contains("Too few iterations"), tooFew.getMessage());
    }
    SecurityConfig carol =
        SecurityConfig.from(sasl("SASL_PLAINTEXT", "SCRAM-SHA-256", "carol", "carol-1"));
    try (Admin a = new Admin(bootstrap, Duration.ofSeconds(20), carol)) {
      assertEquals(1, a.describeCluster().brokers().size());
    }
    SecurityConfig wrong =
        SecurityConfig.from(sasl("SASL_PLAINTEXT", "SCRAM-SHA-256", "carol", "carol-2"));
    try (Admin a = new Admin(bootstrap, Duration.ofSeconds(20), wrong)) {
      SluiceClientException e = assertThrows(SluiceClientException.class, a::describeCluster);
      assertEquals(Errors.SASL_AUTHENTICATION_FAILED, e.error());
      assertEquals("Authentication failed: invalid username or password", e.getMessage());
    }
    try (Admin a = new Admin(bootstrap, Duration.ofSeconds(20), admin)) {
      a.deleteUserScramCredential("carol", "SCRAM-SHA-256");
      assertTrue(!a.describeUserScramCredentials().containsKey("carol"));
      SluiceClientException missing =
          assertThrows(
              SluiceClientException.class,
              () -> a.deleteUserScramCredential("carol", "SCRAM-SHA-256"));
      assertEquals(Errors.RESOURCE_NOT_FOUND, missing.error());
    }
    // carol's old password no longer works
    try (Admin a = new Admin(bootstrap, Duration.ofSeconds(20), carol)) {
      SluiceClientException e = assertThrows(SluiceClientException.class, a::describeCluster);
      assertEquals(Errors.SASL_AUTHENTICATION_FAILED, e.error());
    }
  }

  @Test
  void badSaslSettings_failNamingTheKey() {
    IllegalArgumentException gssapi =
        assertThrows(
            IllegalArgumentException.class,
            () -> SecurityConfig.from(Map.of("security.protocol", "SASL_SSL")));
    assertTrue(gssapi.getMessage().contains("sasl.mechanism=GSSAPI"), gssapi.getMessage());
    IllegalArgumentException noJaas =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SecurityConfig.from(
                    Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN")));
    assertTrue(noJaas.getMessage().contains("sasl.jaas.config is required"), noJaas.getMessage());
    Map<String, String> wrongModule = sasl("SASL_PLAINTEXT", "SCRAM-SHA-256", "u", "secret-pw");
    wrongModule.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=u"
            + " password=\"secret-pw\";");
    IllegalArgumentException module =
        assertThrows(IllegalArgumentException.class, () -> SecurityConfig.from(wrongModule));
    assertTrue(module.getMessage().contains("ScramLoginModule"), module.getMessage());
    assertTrue(!module.getMessage().contains("secret-pw"), module.getMessage());
    assertTrue(
        !SecurityConfig.from(sasl("SASL_PLAINTEXT", "PLAIN", "u", "secret-pw"))
            .toString()
            .contains("secret-pw"));
    // A SASL client against a listener that does not speak SASL is refused, not hung.
    try (TestBroker plain = TestBroker.start();
        Admin a =
            new Admin(
                plain.bootstrap(),
                Duration.ofSeconds(10),
                SecurityConfig.from(sasl("SASL_PLAINTEXT", "PLAIN", "u", "p")))) {
      SluiceClientException e = assertThrows(SluiceClientException.class, a::listTopics);
      assertEquals(Errors.ILLEGAL_SASL_STATE, e.error(), e.getMessage());
    }
  }

  private static byte[] value(int i) {
    return ("sasl-" + i + "-" + "y".repeat(100)).getBytes(StandardCharsets.UTF_8);
  }
}
