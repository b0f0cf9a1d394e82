package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Groups and idempotence survive the loss of a broker, three brokers in this JVM on an in-process
 * ZooKeeper, with the official clients: committed offsets live in the replicated {@code
 * __consumer_offsets}, so when the broker coordinating a group stops, another broker's copy of the
 * group's offsets partition takes over with the same offsets and a new consumer resumes exactly at
 * them; when the stopped broker returns and leads that partition again (preferred-leader election),
 * the offsets committed meanwhile are there; and an idempotent producer writes each record exactly
 * once across a leader failover.
 */
@Timeout(120)
class GroupFailoverIT {
  private static final long WAIT_MS = 60_000;
  private static final String TOPIC = "events";
  private static final int PARTITIONS = 3;
  private static final int PER_PARTITION = 200;

  private InProcessCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    cluster =
        InProcessCluster.launch(
            3,
            Map.of(
                "min.insync.replicas",
                "2",
                "replica.lag.time.max.ms",
                "2000",
                "default.replication.factor",
                "3",
                "offsets.topic.num.partitions",
                "5"));
  }

  @AfterEach
  void stopCluster() throws Exception {
    cluster.close();
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static byte[] value(int partition, int i) {
    return ("p" + partition + "-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private void produceAll() throws Exception {
    Properties props = KafkaClients.producer(bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < PER_PARTITION; i++) {
        for (int p = 0; p < PARTITIONS; p++) {
          sent.add(producer.send(new ProducerRecord<>(TOPIC, p, null, value(p, i))));
        }
      }
      for (Future<RecordMetadata> ack : sent) {
        ack.get();
      }
    }
  }

  private Properties groupConsumer(String bootstrap, String group) {
    Properties props = KafkaClients.consumer(bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "40");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    return props;
  }

  /** The group's committed offsets as the cluster answers them (null while not available). */
  private static Map<TopicPartition, Long> committed(Admin admin, String group) {
    try {
      Map<TopicPartition, OffsetAndMetadata> all =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> out = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
      all.forEach((tp, o) -> out.put(tp, o.offset()));
      return out;
    } catch (Exception e) {
      return null;
    }
  }

  private static int coordinator(Admin admin, String group) {
    try {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group).coordinator().id();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void offsetsSurviveTheCoordinatorsBrokerAndItsReturnAndConsumersResumeAtThem() throws Exception {
    String group = "survivors";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
    }
    produceAll();

    // A first consumer reads about half and commits its positions.
    Map<TopicPartition, Long> atCommit =
        new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    try (KafkaConsumer<byte[], byte[]> first =
        new KafkaConsumer<>(groupConsumer(bootstrap(), group))) {
      first.subscribe(List.of(TOPIC));
      int read = 0;
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (read < PARTITIONS * PER_PARTITION / 2 && System.nanoTime() < deadline) {
        read += first.poll(Duration.ofMillis(200)).count();
      }
      assertTrue(read >= PARTITIONS * PER_PARTITION / 2, "read " + read);
      first.commitSync();
      first
          .committed(first.assignment())
          .forEach(
              (tp, offset) -> {
                if (offset != null) {
                  atCommit.put(tp, offset.offset());
                }
              });
    }
    assertTrue(
        atCommit.values().stream().mapToLong(Long::longValue).sum()
            >= PARTITIONS * PER_PARTITION / 2,
        "committed " + atCommit);

    int coordinator;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      coordinator = coordinator(admin, group);
      assertTrue(coordinator > 0, "a coordinator");
      assertEquals(atCommit, committed(admin, group));
    }

    // The coordinator's broker goes; another broker answers for the group with the same offsets.
    cluster.stop(coordinator);
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      waitFor(
          "a new coordinator",
          () -> {
            int now = coordinator(admin, group);
            return now > 0 && now != coordinator;
          });
      waitFor("the offsets via another broker", () -> atCommit.equals(committed(admin, group)));
    }

    // A new member resumes exactly at the committed offsets and reads the rest once.
    // Where each partition must resume: its committed offset (0 where nothing was committed).
    Map<TopicPartition, Long> next = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      TopicPartition tp = new TopicPartition(TOPIC, p);
      next.put(tp, atCommit.getOrDefault(tp, 0L));
    }
    try (KafkaConsumer<byte[], byte[]> second =
        new KafkaConsumer<>(groupConsumer(bootstrap(), group))) {
      second.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (next.values().stream().anyMatch(o -> o < PER_PARTITION)
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : second.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          // The first record of each partition is at its committed offset; then no gap, none twice.
          assertEquals(next.get(tp), r.offset(), "resumed at the committed offset of " + tp);
          assertEquals(
              new String(value(r.partition(), (int) r.offset()), StandardCharsets.UTF_8),
              new String(r.value(), StandardCharsets.UTF_8));
          next.put(tp, r.offset() + 1);
        }
      }
      second.commitSync();
    }
    for (long end : next.values()) {
      assertEquals(PER_PARTITION, end);
    }

    // The stopped broker returns; once it is in sync it leads its offsets partition again (it is
    // the preferred replica) and coordinates the group, with the offsets committed meanwhile.
    cluster.start(coordinator);
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      waitFor(
          "the group back on broker " + coordinator,
          () -> coordinator(admin, group) == coordinator);
      Map<TopicPartition, Long> ends = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        ends.put(new TopicPartition(TOPIC, p), (long) PER_PARTITION);
      }
      waitFor(
          "the latest offsets on the returned coordinator",
          () -> sorted(ends).equals(committed(admin, group)));
      // And it takes new commits.
      try (KafkaConsumer<byte[], byte[]> third =
          new KafkaConsumer<>(groupConsumer(bootstrap(), group))) {
        third.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(7)));
      }
      ends.put(new TopicPartition(TOPIC, 0), 7L);
      assertEquals(sorted(ends), committed(admin, group));
      assertEquals(coordinator, coordinator(admin, group));
    }
  }

  private static Map<TopicPartition, Long> sorted(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> out = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    out.putAll(offsets);
    return out;
  }

  @Test
  void anIdempotentProducerWritesEachRecordOnceAcrossALeaderFailover() throws Exception {
    String topic = "idempotent";
    int records = 3000;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
    }
    History history = new History();
    Properties props = KafkaClients.producer(bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "2048");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    int leader;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      leader = producer.partitionsFor(topic).get(0).leader().id();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < records; i++) {
        sent.add(
            producer.send(
                new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8))));
        if (i == records / 3) {
          // The leader goes while batches are in flight; the producer retries on the new leader.
          cluster.stop(leader);
        }
      }
      for (int i = 0; i < records; i++) {
        RecordMetadata meta = sent.get(i).get();
        history.acknowledged(0, meta.offset(), ("r" + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    assertEquals(records, history.acknowledgedCount());

    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap()))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      long end = history.acknowledgedEnd(0);
      long position = 0;
      while (position < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          history.read(0, r.offset(), r.value());
          values.add(new String(r.value(), StandardCharsets.UTF_8));
          position = r.offset() + 1;
        }
      }
      assertEquals(end, position, "read to the end");
    }
    assertEquals(List.of(), history.violations());
    // Exactly once and in order: record i at position i, none twice, none missing.
    assertEquals(records, values.size(), "each record once");
    for (int i = 0; i < records; i++) {
      assertEquals("r" + i, values.get(i));
    }
    assertNotEquals(-1, leader);
  }
}
