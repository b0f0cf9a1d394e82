package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.testing.ExpectedLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ACLs with kafka-clients' producer, consumer and admin, as a TLS client certificate's principal:
 * refused with Kafka's exceptions without ACLs, served once {@code kafka-acls --producer} and
 * {@code --consumer} style ACLs exist (given through the admin API as a super user), and topic
 * listing limited to what the principal may describe.
 */
class KafkaAclIT {
  private static final String APP = AclTls.APP;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.get();
  }

  private static AclBinding allow(ResourceType type, String name, PatternType p, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, p),
        new AccessControlEntry(APP, "*", op, AclPermissionType.ALLOW));
  }

  @Test
  void produceAndConsume_refusedWithoutAcls_servedWithThem() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(AclTls.broker(certs));
        Admin superUser = Admin.create(KafkaClients.admin(broker.bootstrapServers("PLAINTEXT")))) {
      superUser.createTopics(List.of(new NewTopic("sales-eu", 1, (short) 1))).all().get();
      String ssl = broker.bootstrapServers("SSL");

      Properties producerProps = AclTls.app(certs, KafkaClients.producer(ssl));
      producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      producerProps.put(ProducerConfig.ACKS_CONFIG, "1");
      producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
      // kafka-clients reports the refusal at ERROR as well as to the caller.
      ExpectedLogs.expect(
          "ERROR", "org.apache.kafka.clients.Metadata", "Topic authorization failed");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
        ExecutionException e =
            assertThrows(
                ExecutionException.class, () -> producer.send(record("sales-eu", "refused")).get());
        assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        assertEquals(
            Set.of("sales-eu"), ((TopicAuthorizationException) e.getCause()).unauthorizedTopics());
      }

      // kafka-acls --producer --topic sales- --resource-pattern-type prefixed
      superUser
          .createAcls(
              List.of(
                  allow(ResourceType.TOPIC, "sales-", PatternType.PREFIXED, AclOperation.WRITE),
                  allow(ResourceType.TOPIC, "sales-", PatternType.PREFIXED, AclOperation.DESCRIBE),
                  allow(ResourceType.TOPIC, "sales-", PatternType.PREFIXED, AclOperation.CREATE)))
          .all()
          .get();
      Properties idempotent = AclTls.app(certs, KafkaClients.producer(ssl));
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(idempotent)) {
        for (int i = 0; i < 3; i++) {
          assertEquals(i, producer.send(record("sales-eu", "v" + i)).get().offset());
        }
      }

      Properties consumerProps = AclTls.app(certs, KafkaClients.consumer(ssl));
      consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "reporting");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
        consumer.subscribe(List.of("sales-eu"));
        assertThrows(
            GroupAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)));
      }
      // kafka-acls --consumer --topic sales-eu --group reporting
      superUser
          .createAcls(
              List.of(
                  allow(ResourceType.TOPIC, "sales-eu", PatternType.LITERAL, AclOperation.READ),
                  allow(ResourceType.GROUP, "reporting", PatternType.LITERAL, AclOperation.READ)))
          .all()
          .get();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
        consumer.subscribe(List.of("sales-eu"));
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < 3 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
          }
        }
        assertEquals(List.of("v0", "v1", "v2"), values);
        consumer.commitSync();
      }
    }
  }

  @Test
  void listTopics_onlyWhatThePrincipalMayDescribe() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(AclTls.broker(certs));
        Admin superUser = Admin.create(KafkaClients.admin(broker.bootstrapServers("PLAINTEXT")))) {
      superUser
          .createTopics(
              List.of(
                  new NewTopic("sales-eu", 1, (short) 1),
                  new NewTopic("sales-us", 1, (short) 1),
                  new NewTopic("payroll", 1, (short) 1)))
          .all()
          .get();
      try (Admin app =
          Admin.create(AclTls.app(certs, KafkaClients.admin(broker.bootstrapServers("SSL"))))) {
        assertEquals(Set.of(), app.listTopics().names().get());
        superUser
            .createAcls(
                List.of(
                    allow(ResourceType.TOPIC, "sales-", PatternType.PREFIXED, AclOperation.READ)))
            .all()
            .get();
        assertEquals(Set.of("sales-eu", "sales-us"), app.listTopics().names().get());
        assertEquals(
            Set.of("sales-eu", "sales-us", "payroll"), superUser.listTopics().names().get());
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () -> app.describeTopics(List.of("payroll")).allTopicNames().get());
        assertInstanceOf(TopicAuthorizationException.class, e.getCause());
      }
    }
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
    return new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8));
  }
}
