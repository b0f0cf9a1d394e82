package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ExpectedLogs;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka's topic-name rules beyond the legal characters, through Kafka's own AdminClient and
 * producer: names that differ only in '.' versus '_' collide (Kafka's metric names cannot tell them
 * apart), so the second is refused with {@code INVALID_TOPIC_EXCEPTION} "collides with existing
 * topic", by CreateTopics and by auto-creation alike; and Kafka's internal topic names are
 * reserved: creating one is refused with {@code INVALID_REQUEST} and a message naming it.
 */
class TopicNameRulesIT {
  private static EmbeddedBroker broker;
  private static Admin admin;

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
    admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    broker.close();
  }

  @Test
  void create_dotThenUnderscore_secondCollides() throws Exception {
    create("metrics.cpu");
    InvalidTopicException e =
        assertThrows(InvalidTopicException.class, () -> create("metrics_cpu"));
    assertEquals("Topic 'metrics_cpu' collides with existing topic: metrics.cpu", e.getMessage());
    assertFalse(admin.listTopics().names().get().contains("metrics_cpu"));
    assertFalse(broker.dataDir().resolve("metrics_cpu-0").toFile().exists());
  }

  @Test
  void create_underscoreThenMixed_collides_sameNameStillAlreadyExists() throws Exception {
    create("a_b_c");
    InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> create("a.b_c"));
    assertTrue(e.getMessage().contains("collides with existing topic: a_b_c"), e.getMessage());
    assertThrows(TopicExistsException.class, () -> create("a_b_c"));
    // validateOnly answers the same.
    ExecutionException validate =
        assertThrows(
            ExecutionException.class,
            () ->
                admin
                    .createTopics(
                        List.of(new NewTopic("a.b.c", 1, (short) 1)),
                        new CreateTopicsOptions().validateOnly(true))
                    .all()
                    .get());
    assertInstanceOf(InvalidTopicException.class, validate.getCause());
  }

  @Test
  void autoCreate_collidingName_refused() throws Exception {
    create("orders.eu");
    Properties props = KafkaClients.producer(broker.bootstrapServers());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    // kafka-clients logs the refusal it is about to report to the caller.
    ExpectedLogs.expect("ERROR", "org.apache.kafka.clients.Metadata", "invalid topics [orders_eu]");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> producer.send(new ProducerRecord<>("orders_eu", new byte[1])).get());
      assertInstanceOf(InvalidTopicException.class, e.getCause(), e.toString());
    }
    assertFalse(admin.listTopics().names().get().contains("orders_eu"));
  }

  @Test
  void create_internalTopicNames_refusedWithMessage() throws Exception {
    for (String name : List.of("__consumer_offsets", "__transaction_state")) {
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> create(name));
      assertTrue(e.getMessage().contains("internal topic " + name), e.getMessage());
      assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }
    Set<String> names =
        admin
            .listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
            .names()
            .get();
    assertFalse(names.contains("__consumer_offsets"), names.toString());
  }

  /** Creates a one-partition topic, rethrowing the cause of a failure. */
  private static void create(String name) throws Exception {
    try {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
