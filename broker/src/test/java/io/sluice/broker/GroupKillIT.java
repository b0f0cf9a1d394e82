package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer group's coordinator killed with {@code kill -9}: three broker processes (started as
 * users start them) on an in-process ZooKeeper; a kafka-clients group commits, the process of the
 * broker coordinating it is killed (no shutdown, no flush), and once its ZooKeeper session expires
 * another broker leads the group's offsets partition: the committed offsets are intact there and a
 * new member resumes at exactly them. Every process is stopped in {@link #stopAll} ({@link
 * BrokerProcesses}).
 */
class GroupKillIT {
  private static final long WAIT_MS = 60_000;
  private static final String TOPIC = "killed";
  private static final String GROUP = "outlives-its-coordinator";
  private static final int PARTITIONS = 3;
  private static final int PER_PARTITION = 100;

  @TempDir Path temp;
  private BrokerProcesses cluster;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    cluster =
        BrokerProcesses.start(
            temp,
            3,
            4000,
            "min.insync.replicas=2",
            "replica.lag.time.max.ms=2000",
            "offsets.topic.num.partitions=5");
  }

  @AfterEach
  void stopAll() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private Properties groupConsumer() {
    Properties props = KafkaClients.consumer(bootstrap());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "25");
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    return props;
  }

  private static Map<TopicPartition, Long> committed(Admin admin) {
    try {
      Map<TopicPartition, Long> out = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
      admin
          .listConsumerGroupOffsets(GROUP)
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach((tp, o) -> out.put(tp, o.offset()));
      return out;
    } catch (Exception e) {
      return null;
    }
  }

  @Test
  void offsetsSurviveAKill9OfTheCoordinatorsProcess() throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
    }
    Properties producerProps = KafkaClients.producer(bootstrap());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < PER_PARTITION; i++) {
        for (int p = 0; p < PARTITIONS; p++) {
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      TOPIC, p, null, ("p" + p + "-" + i).getBytes(StandardCharsets.UTF_8))));
        }
      }
      for (Future<RecordMetadata> ack : sent) {
        ack.get();
      }
    }

    Map<TopicPartition, Long> atCommit =
        new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    try (KafkaConsumer<byte[], byte[]> first = new KafkaConsumer<>(groupConsumer())) {
      first.subscribe(List.of(TOPIC));
      int read = 0;
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (read < PARTITIONS * PER_PARTITION / 2 && System.nanoTime() < deadline) {
        read += first.poll(Duration.ofMillis(200)).count();
      }
      first.commitSync();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          first.committed(first.assignment()).entrySet()) {
        if (e.getValue() != null) {
          atCommit.put(e.getKey(), e.getValue().offset());
        }
      }
    }
    assertTrue(
        atCommit.values().stream().mapToLong(Long::longValue).sum()
            >= PARTITIONS * PER_PARTITION / 2,
        "committed " + atCommit);

    int coordinator;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      coordinator =
          admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).coordinator().id();
    }
    long killed = System.nanoTime();
    cluster.kill9(coordinator);
    try (Admin admin = Admin.create(KafkaClients.admin(cluster.bootstrapExcept(coordinator)))) {
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (!atCommit.equals(committed(admin))) {
        assertTrue(System.nanoTime() < deadline, "the offsets via another broker in time");
        Thread.sleep(100);
      }
      System.out.println(
          "group offsets served again "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)
              + " ms after kill -9 of coordinator "
              + coordinator);
    }

    Map<TopicPartition, Long> next = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      TopicPartition tp = new TopicPartition(TOPIC, p);
      next.put(tp, atCommit.getOrDefault(tp, 0L));
    }
    Properties resumeProps = groupConsumer();
    resumeProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapExcept(coordinator));
    try (KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(resumeProps)) {
      second.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (next.values().stream().anyMatch(o -> o < PER_PARTITION)
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : second.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          assertEquals(next.get(tp), r.offset(), "resumed at the committed offset of " + tp);
          assertEquals(
              "p" + r.partition() + "-" + r.offset(),
              new String(r.value(), StandardCharsets.UTF_8));
          next.put(tp, r.offset() + 1);
        }
      }
    }
    for (long end : next.values()) {
      assertEquals(PER_PARTITION, end);
    }
  }
}
