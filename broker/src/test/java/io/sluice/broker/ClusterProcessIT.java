package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes, started as users start them ({@code bin/sluice-broker start}, each on
 * port 0 of 127.0.0.1, its port read from its start output), on an in-process ZooKeeper, driven by
 * kafka-clients: a 6-partition topic spreads over them and round-trips every record; a broker
 * frozen past its ZooKeeper session (SIGSTOP) registers again with a new epoch and serves again;
 * the controller's process killed with {@code kill -9} is replaced by another controller within
 * seconds (the time is logged), after which topics can be created again; the killed broker,
 * restarted, is recognised by its new broker epoch and leads its partitions again. Every process is
 * stopped in {@link #stopAll}, whatever happened.
 */
class ClusterProcessIT {
  private static final long WAIT_MS = 30_000;
  private static final int SESSION_MS = 4_000;
  private static final String TOPIC = "orders";

  @TempDir Path temp;
  private BrokerProcesses cluster;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    cluster = BrokerProcesses.start(temp, 3, SESSION_MS);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String bootstrap(int... ids) {
    return cluster.bootstrap(ids);
  }

  private static void waitFor(String what, BrokerProcesses.Check condition) throws Exception {
    BrokerProcesses.waitFor(what, WAIT_MS, condition);
  }

  private long brokerEpoch(int id) throws Exception {
    return cluster.brokerEpoch(id);
  }

  private JsonNode partitionState(String topic, int partition) throws Exception {
    return cluster.partitionState(topic, partition);
  }

  private static Map<Integer, List<Integer>> partitionsByLeader(Admin admin, String topic)
      throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    Map<Integer, List<Integer>> byLeader = new TreeMap<>();
    for (TopicPartitionInfo partition : description.partitions()) {
      int leader = partition.leader() == null ? -1 : partition.leader().id();
      byLeader.computeIfAbsent(leader, l -> new ArrayList<>()).add(partition.partition());
    }
    return byLeader;
  }

  @Test
  void threeProcesses_sessionExpiry_controllerKill9_restartWithNewEpoch() throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap(1, 2, 3)))) {
      waitFor(
          "three brokers and a controller",
          () ->
              admin.describeCluster().nodes().get().size() == 3
                  && admin.describeCluster().controller().get() != null);
      admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get();
      waitFor(
          "two leaders on each broker",
          () -> {
            Map<Integer, List<Integer>> byLeader = partitionsByLeader(admin, TOPIC);
            return byLeader.keySet().equals(Set.of(1, 2, 3))
                && byLeader.values().stream().allMatch(l -> l.size() == 2);
          });
    }
    Set<String> sent = produce(bootstrap(1, 2, 3), "first", 600, List.of(0, 1, 2, 3, 4, 5));
    assertEquals(sent, consumeAll(bootstrap(2), List.of(0, 1, 2, 3, 4, 5), sent.size()));

    int controller;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap(1, 2, 3)))) {
      controller = admin.describeCluster().controller().get().id();
    }

    // A broker frozen past its session timeout loses its session; thawed, it registers again.
    int frozen = controller == 1 ? 2 : 1;
    long frozenEpoch = brokerEpoch(frozen);
    cluster.daemon(frozen).suspend();
    try {
      waitFor("the frozen broker's registration to expire", () -> brokerEpoch(frozen) < 0);
    } finally {
      cluster.daemon(frozen).resume();
    }
    waitFor("a new registration of the frozen broker", () -> brokerEpoch(frozen) > frozenEpoch);
    List<Integer> frozenPartitions;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap(1, 2, 3)))) {
      waitFor(
          "the frozen broker to lead two partitions again",
          () -> partitionsByLeader(admin, TOPIC).getOrDefault(frozen, List.of()).size() == 2);
      frozenPartitions = partitionsByLeader(admin, TOPIC).get(frozen);
    }
    long thawedEpoch = brokerEpoch(frozen);
    for (int p : frozenPartitions) {
      waitFor(
          "partition " + p + " names the new incarnation",
          () -> partitionState(TOPIC, p).get("leader_broker_epoch").asLong() == thawedEpoch);
    }
    Set<String> afterThaw = produce(bootstrap(1, 2, 3), "thawed", 100, frozenPartitions);
    assertEquals(afterThaw, consumeAll(bootstrap(frozen), frozenPartitions, 100, "thawed"));

    // kill -9 of the controller's process: another controller within about a session timeout.
    long killedEpoch = brokerEpoch(controller);
    List<Integer> survivors = cluster.ids();
    survivors.remove(Integer.valueOf(controller));
    String survivorBootstrap = bootstrap(survivors.get(0), survivors.get(1));
    long killedAt = System.nanoTime();
    cluster.kill9(controller);
    try (Admin admin = Admin.create(KafkaClients.admin(survivorBootstrap))) {
      waitFor(
          "a new controller",
          () -> {
            var node = admin.describeCluster().controller().get();
            return node != null && node.id() != controller && survivors.contains(node.id());
          });
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf(
          "controller failover after kill -9 of broker %d: %d ms (session timeout %d ms)%n",
          controller, failoverMs, SESSION_MS);
      admin.createTopics(List.of(new NewTopic("after", 4, (short) 1))).all().get();
      waitFor(
          "the new topic led by the two survivors",
          () -> partitionsByLeader(admin, "after").keySet().equals(new HashSet<>(survivors)));
      waitFor(
          "the killed broker's partitions offline",
          () -> partitionsByLeader(admin, TOPIC).getOrDefault(-1, List.of()).size() == 2);
    }

    // Restarted, the killed broker registers with a larger epoch and leads its partitions again.
    cluster.startBroker(controller);
    waitFor("the restarted broker registered", () -> brokerEpoch(controller) > killedEpoch);
    long restartedEpoch = brokerEpoch(controller);
    List<Integer> restartedPartitions;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap(1, 2, 3)))) {
      waitFor(
          "the restarted broker to lead again",
          () -> partitionsByLeader(admin, TOPIC).getOrDefault(controller, List.of()).size() == 2);
      restartedPartitions = partitionsByLeader(admin, TOPIC).get(controller);
    }
    for (int p : restartedPartitions) {
      JsonNode state = partitionState(TOPIC, p);
      assertEquals(restartedEpoch, state.get("leader_broker_epoch").asLong(), state.toString());
      assertNotEquals(0, state.get("leader_epoch").asInt(), state.toString());
    }
    Set<String> afterRestart = produce(bootstrap(1, 2, 3), "restarted", 100, restartedPartitions);
    Set<String> expected = new HashSet<>(afterRestart);
    for (String value : sent) {
      if (restartedPartitions.contains(Integer.parseInt(value.split("-")[1]) % 6)) {
        expected.add(value);
      }
    }
    // The records written before the kill (flushed or not: acks=all waits for the flush) are
    // still there, followed by the new ones.
    assertEquals(
        expected, consumeAll(bootstrap(controller), restartedPartitions, expected.size(), ""));
  }

  /** Sends {@code count} records round-robin over {@code partitions}; values "prefix-i". */
  private static Set<String> produce(
      String bootstrap, String prefix, int count, List<Integer> partitions) throws Exception {
    Set<String> sent = new HashSet<>();
    var props = KafkaClients.producer(bootstrap);
    props.put("request.timeout.ms", "10000");
    props.put("delivery.timeout.ms", Long.toString(WAIT_MS));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String value = prefix + "-" + i;
        sent.add(value);
        int partition = partitions.get(i % partitions.size());
        acks.add(
            producer.send(
                new ProducerRecord<>(
                    TOPIC, partition, null, value.getBytes(StandardCharsets.UTF_8))));
      }
      Map<Integer, Integer> perPartition = new HashMap<>();
      for (Future<RecordMetadata> ack : acks) {
        perPartition.merge(ack.get().partition(), 1, Integer::sum);
      }
      assertEquals(new HashSet<>(partitions), perPartition.keySet());
    }
    return sent;
  }

  private static Set<String> consumeAll(String bootstrap, List<Integer> partitions, int expected)
      throws Exception {
    return consumeAll(bootstrap, partitions, expected, "");
  }

  /** Reads the partitions from the beginning until {@code expected} values with the prefix. */
  private static Set<String> consumeAll(
      String bootstrap, List<Integer> partitions, int expected, String prefix) throws Exception {
    Set<String> received = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap))) {
      List<TopicPartition> assigned = new ArrayList<>();
      partitions.forEach(p -> assigned.add(new TopicPartition(TOPIC, p)));
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (received.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          String value = new String(record.value(), StandardCharsets.UTF_8);
          if (value.startsWith(prefix)) {
            assertTrue(received.add(value), "delivered twice: " + value);
          }
        }
      }
    }
    return received;
  }
}
