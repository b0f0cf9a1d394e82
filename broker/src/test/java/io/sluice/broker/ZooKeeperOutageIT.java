package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole ZooKeeper ensemble down under two full brokers driven by kafka-clients: produce and
 * fetch go on for the partitions each broker leads, CreateTopics is refused with {@code
 * NOT_CONTROLLER} and a message naming ZooKeeper, and everything resumes when ZooKeeper returns.
 */
class ZooKeeperOutageIT {
  private static final long WAIT_MS = 30_000;
  private static final String TOPIC = "steady";

  private InProcessCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = InProcessCluster.launch(2, Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void waitFor(String what, Check condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception e) {
        // not yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Every broker describes the topic with one partition led by each broker. */
  private boolean ledByBoth(String topic) throws Exception {
    for (EmbeddedBroker broker : cluster.running().values()) {
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Set<Integer> leaders = new HashSet<>();
        for (TopicPartitionInfo p : d.partitions()) {
          if (p.leader() != null) {
            leaders.add(p.leader().id());
          }
        }
        if (!leaders.equals(Set.of(1, 2))) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void withZooKeeperDownBrokersServeWhatTheyLeadRefuseNewTopicsAndRecover() throws Exception {
    waitFor("two brokers", () -> twoBrokersAndAController());
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }
    waitFor("each broker to lead one partition, as every broker sees it", () -> ledByBoth(TOPIC));
    Set<String> before = produce(TOPIC, "before", 20);

    cluster.zooKeeper().stop();
    Set<String> during = produce(TOPIC, "during", 20);
    Set<String> all = new HashSet<>(before);
    all.addAll(during);
    assertEquals(all, consume(TOPIC, all.size()));

    for (EmbeddedBroker broker : cluster.running().values()) {
      CreateTopicsResponse.CreatableTopicResult refused = createRaw(broker, "refused");
      assertEquals(Errors.NOT_CONTROLLER.code(), refused.errorCode());
      assertTrue(
          refused.errorMessage().contains("ZooKeeper is unreachable"), refused.errorMessage());
    }

    cluster.zooKeeper().restart();
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      waitFor(
          "topic creation accepted again",
          () -> {
            admin.createTopics(List.of(new NewTopic("later", 2, (short) 1))).all().get();
            return true;
          });
    }
    waitFor("the new topic led by both", () -> ledByBoth("later"));
    Set<String> after = produce("later", "after", 10);
    assertEquals(after, consume("later", after.size()));
    Set<String> more = produce(TOPIC, "more", 10);
    all.addAll(more);
    assertEquals(all, consume(TOPIC, all.size()));
  }

  private boolean twoBrokersAndAController() throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      return admin.describeCluster().nodes().get().size() == 2
          && admin.describeCluster().controller().get() != null;
    }
  }

  /** CreateTopics v5 sent by hand, to read the error code and message as the broker wrote them. */
  private static CreateTopicsResponse.CreatableTopicResult createRaw(
      EmbeddedBroker broker, String topic) throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      short version = 5;
      raw.send(
          ApiKey.CREATE_TOPICS.id(),
          version,
          7,
          new CreateTopicsRequest()
              .setTopics(
                  List.of(
                      new CreateTopicsRequest.CreatableTopic()
                          .setName(topic)
                          .setNumPartitions(1)
                          .setReplicationFactor((short) 1)))
              .setTimeoutMs(5_000));
      ByteBuffer frame = raw.readFrame();
      assertEquals(7, frame.getInt());
      WireReader reader = new WireReader(Unpooled.wrappedBuffer(frame));
      reader.readUnsignedVarint(); // response header v1: no tagged fields
      CreateTopicsResponse response = CreateTopicsResponse.read(reader, version);
      return response.topics().get(0);
    }
  }

  private Set<String> produce(String topic, String prefix, int count) throws Exception {
    Set<String> sent = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrap()))) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String value = prefix + "-" + i;
        sent.add(value);
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, i % 2, null, value.getBytes(StandardCharsets.UTF_8))));
      }
      for (var ack : acks) {
        ack.get();
      }
    }
    return sent;
  }

  private Set<String> consume(String topic, int expected) {
    Set<String> received = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap()))) {
      List<TopicPartition> partitions =
          List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (received.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          received.add(new String(record.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return received;
  }
}
