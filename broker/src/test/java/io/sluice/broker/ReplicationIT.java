package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replication with three brokers in this JVM on an in-process ZooKeeper, driven by the official
 * Kafka clients with {@code acks=all} and {@code min.insync.replicas=2}: the replicas' log files
 * are byte for byte the leader's, a stopped leader is replaced by an in-sync follower without
 * losing an acknowledged record, a follower that was down catches up and rejoins the in-sync
 * replicas, and a partition with too few in-sync replicas refuses {@code acks=all} writes.
 */
class ReplicationIT {
  private static final long WAIT_MS = 60_000;
  private static final String TOPIC = "replicated";

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
                "3"));
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

  private static TopicPartitionInfo describe(Admin admin) {
    try {
      TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
      return d.partitions().get(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return null;
    }
  }

  private static Set<Integer> isr(TopicPartitionInfo info) {
    return info == null ? Set.of() : info.isr().stream().map(Node::id).collect(Collectors.toSet());
  }

  private static int leader(TopicPartitionInfo info) {
    return info == null || info.leader() == null ? -1 : info.leader().id();
  }

  /** Every {@code .log} file of the partition on one broker, concatenated in offset order. */
  private byte[] logBytes(int id) throws IOException {
    Path dir = cluster.dataDir(id).resolve(TOPIC + "-0");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
        out.write(Files.readAllBytes(file));
      }
    }
    return out.toByteArray();
  }

  private void produce(Properties props, History history, int from, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        byte[] value = ("record-" + i).getBytes(StandardCharsets.UTF_8);
        values.add(value);
        sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, value)));
      }
      for (int i = 0; i < sent.size(); i++) {
        RecordMetadata meta = sent.get(i).get();
        history.acknowledged(meta.partition(), meta.offset(), values.get(i));
      }
    }
  }

  private Properties acksAll() {
    Properties props = KafkaClients.producer(bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return props;
  }

  /** Reads the whole partition through the current leader into {@code history}. */
  private void readBack(History history, long end) throws InterruptedException {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap()))) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      long position = 0;
      while (position < end) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("read only up to offset " + position + " of " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(200))) {
          history.read(r.partition(), r.offset(), r.value());
          position = r.offset() + 1;
        }
      }
    }
  }

  @Test
  void acknowledgedRecordsAreOnEveryReplicaByteForByteAndSurviveTheLeadersLoss() throws Exception {
    History history = new History();
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
      waitFor("three in-sync replicas", () -> isr(describe(admin)).size() == 3);

      produce(acksAll(), history, 0, 2000);
      assertEquals(2000, history.acknowledgedCount());
      // Followers append what they fetch unchanged: every replica's files are the leader's.
      waitFor(
          "identical logs on the three replicas",
          () -> {
            try {
              byte[] one = logBytes(1);
              return one.length > 0
                  && java.util.Arrays.equals(one, logBytes(2))
                  && java.util.Arrays.equals(one, logBytes(3));
            } catch (IOException e) {
              return false;
            }
          });

      TopicPartitionInfo before = describe(admin);
      int oldLeader = leader(before);
      Set<Integer> oldIsr = isr(before);
      cluster.stop(oldLeader);
      waitFor(
          "a new leader",
          () -> {
            int now = leader(describe(admin));
            return now > 0 && now != oldLeader;
          });
      int newLeader = leader(describe(admin));
      assertTrue(oldIsr.contains(newLeader), "new leader " + newLeader + " not in " + oldIsr);

      produce(acksAll(), history, 2000, 500);
      readBack(history, history.acknowledgedEnd(0));
      assertEquals(List.of(), history.violations());

      // The old leader comes back as a follower, truncates by leader epoch, catches up, rejoins the
      // ISR, and, being the preferred replica, leads again (auto.leader.rebalance.enable).
      cluster.start(oldLeader);
      waitFor("the old leader back in sync", () -> isr(describe(admin)).contains(oldLeader));
      waitFor("the preferred replica leading again", () -> leader(describe(admin)) == oldLeader);
      produce(acksAll(), history, 2500, 500);
      readBack(history, history.acknowledgedEnd(0));
      assertEquals(List.of(), history.violations());
      assertEquals(3000, history.acknowledgedCount());
      waitFor(
          "identical logs after two leader changes",
          () -> {
            try {
              byte[] lead = logBytes(oldLeader);
              return java.util.Arrays.equals(lead, logBytes(newLeader))
                  && cluster.running().keySet().stream()
                      .allMatch(
                          id -> {
                            try {
                              return java.util.Arrays.equals(lead, logBytes(id));
                            } catch (IOException e) {
                              return false;
                            }
                          });
            } catch (IOException e) {
              return false;
            }
          });
      assertArrayEquals(logBytes(newLeader), logBytes(oldLeader));
    }
  }

  @Test
  void aFollowerDownForLongCatchesUpAndTooFewInSyncReplicasRefuseAcksAll() throws Exception {
    History history = new History();
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
      waitFor("three in-sync replicas", () -> isr(describe(admin)).size() == 3);
      int leader = leader(describe(admin));
      List<Integer> followers =
          cluster.running().keySet().stream()
              .filter(id -> id != leader)
              .collect(Collectors.toList());

      // One follower down: after replica.lag.time.max.ms the leader drops it from the ISR; acks=all
      // still works with two in-sync replicas.
      int down = followers.get(0);
      cluster.stop(down);
      produce(acksAll(), history, 0, 300);
      waitFor("the stopped follower out of the ISR", () -> !isr(describe(admin)).contains(down));
      produce(acksAll(), history, 300, 1000);

      // It comes back, truncates, fetches what it missed and rejoins.
      cluster.start(down);
      waitFor("the follower back in the ISR", () -> isr(describe(admin)).contains(down));
      waitFor(
          "the follower's log equal to the leader's",
          () -> {
            try {
              return java.util.Arrays.equals(logBytes(leader), logBytes(down));
            } catch (IOException e) {
              return false;
            }
          });

      // Both followers down: one in-sync replica is fewer than min.insync.replicas=2.
      for (int id : followers) {
        cluster.stop(id);
      }
      waitFor("an ISR of the leader alone", () -> isr(describe(admin)).equals(Set.of(leader)));
      Properties props = acksAll();
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      props.put(ProducerConfig.RETRIES_CONFIG, "0");
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.broker(leader).bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        ExecutionException refused =
            org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[] {1})).get());
        assertInstanceOf(NotEnoughReplicasException.class, refused.getCause());
      }
      readBack(history, history.acknowledgedEnd(0));
      assertEquals(List.of(), history.violations());
      assertNotEquals(0, history.acknowledgedCount());
    }
  }
}
