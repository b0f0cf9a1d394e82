package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.sluice.broker.cluster.ZkCluster;
import io.sluice.broker.cluster.ZooKeeperServers;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer group whose coordinator slot moves to another broker when a third broker joins: the
 * old coordinator answers {@code NOT_COORDINATOR} for the group, the kafka-clients consumer finds
 * the new coordinator, rejoins there and keeps consuming; the offsets it had committed stay on the
 * old broker, so the new coordinator starts the group with none.
 */
class CoordinatorMoveIT {
  private static final long WAIT_MS = 30_000;
  private static final String TOPIC = "moves";

  private TestingServer zk;
  private final Map<Integer, EmbeddedBroker> brokers = new TreeMap<>();

  @BeforeEach
  void startTwo() throws Exception {
    zk = ZooKeeperServers.standalone();
    brokers.put(1, start(1));
    brokers.put(2, start(2));
  }

  private EmbeddedBroker start(int id) {
    return EmbeddedBroker.start(
        Map.of(
            "zookeeper.connect",
            zk.getConnectString() + "/sluice",
            "zookeeper.session.timeout.ms",
            "4000",
            "broker.id",
            Integer.toString(id)));
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      for (EmbeddedBroker broker : brokers.values()) {
        broker.close();
      }
    } finally {
      zk.close();
    }
  }

  /** The broker a group's slot belongs to among brokers 1..n (ids in order, as ZkCluster does). */
  private static int coordinatorAmong(int n, String group) {
    int slot = (group.hashCode() & 0x7fffffff) % ZkCluster.COORDINATOR_SLOTS;
    return 1 + slot % n;
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

  private static int brokersSeenBy(EmbeddedBroker broker) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      return admin.describeCluster().nodes().get().size();
    }
  }

  @Test
  void aGroupWhoseSlotMovesIsRefusedByTheOldCoordinatorAndFollowedByItsConsumer() throws Exception {
    String group = groupMovingAwayFromBroker1();
    int newCoordinator = coordinatorAmong(3, group);
    waitFor("two brokers", () -> brokersSeenBy(brokers.get(1)) == 2);
    String bootstrap = brokers.get(1).bootstrapServers() + "," + brokers.get(2).bootstrapServers();
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }
    produce(bootstrap, "before", 10);

    Properties props = KafkaClients.consumer(bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
      consumer.subscribe(List.of(TOPIC));
      assertEquals(10, pollUntil(consumer, "before", 10).size());
      consumer.commitSync();
      ConsumerGroupDescription described =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      assertEquals(1, described.coordinator().id());
      assertEquals(10L, committedTotal(admin, group));

      // A third broker joins: the group's slot now belongs to another broker.
      brokers.put(3, start(3));
      for (EmbeddedBroker broker : brokers.values()) {
        waitFor("every broker to see three", () -> brokersSeenBy(broker) == 3);
      }
      try (RawConnection old = new RawConnection(brokers.get(1).broker().localAddress())) {
        old.send(
            ApiKey.HEARTBEAT.id(),
            (short) 3,
            1,
            new HeartbeatRequest().setGroupId(group).setMemberId("m").setGenerationId(1));
        ByteBuffer frame = old.readFrame();
        assertEquals(1, frame.getInt());
        assertEquals(
            Errors.NOT_COORDINATOR.code(),
            HeartbeatResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 3)
                .errorCode());
        old.send(
            ApiKey.OFFSET_FETCH.id(),
            (short) 5,
            2,
            new OffsetFetchRequest().setGroupId(group).setTopics(null));
        frame = old.readFrame();
        assertEquals(2, frame.getInt());
        assertEquals(
            Errors.NOT_COORDINATOR.code(),
            OffsetFetchResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 5)
                .errorCode());
      }

      // The consumer follows the group to its new coordinator and keeps consuming. The new
      // coordinator has no committed offsets for the group (they stayed on broker 1: no offsets
      // log is replicated yet), so after rejoining the consumer starts again from
      // auto.offset.reset (earliest here) and reads the records from before the move again.
      produce(bootstrap, "after", 5);
      Set<String> afterMove = new HashSet<>();
      waitFor(
          "the group on its new coordinator, every record read again from the start",
          () -> {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
              afterMove.add(new String(record.value(), StandardCharsets.UTF_8));
            }
            ConsumerGroupDescription d =
                admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return d.coordinator().id() == newCoordinator
                && d.members().size() == 1
                && afterMove.size() == 15
                && positions(consumer) == 15;
          });
      assertEquals(0L, committedTotal(admin, group));
      // Commits now go to the new coordinator.
      consumer.commitSync();
      assertEquals(15L, committedTotal(admin, group));
    }
  }

  private static long positions(KafkaConsumer<byte[], byte[]> consumer) {
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.position(tp);
    }
    return total;
  }

  /** A group coordinated by broker 1 among brokers 1-2, and by another among brokers 1-3. */
  private static String groupMovingAwayFromBroker1() {
    for (int i = 0; ; i++) {
      String candidate = "group-" + i;
      if (coordinatorAmong(2, candidate) == 1 && coordinatorAmong(3, candidate) != 1) {
        return candidate;
      }
    }
  }

  private static long committedTotal(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long total = 0;
    for (OffsetAndMetadata offset : offsets.values()) {
      if (offset != null) {
        total += offset.offset();
      }
    }
    return total;
  }

  private static void produce(String bootstrap, String prefix, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrap))) {
      for (int i = 0; i < count; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    TOPIC, i % 2, null, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  /** Polls until {@code count} distinct values with the prefix arrived (others are ignored). */
  private static Set<String> pollUntil(
      KafkaConsumer<byte[], byte[]> consumer, String prefix, int count) {
    Set<String> seen = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (seen.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        String value = new String(record.value(), StandardCharsets.UTF_8);
        if (value.startsWith(prefix)) {
          seen.add(value);
        }
      }
    }
    return seen;
  }
}
