package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Partition reassignment (Kafka's AlterPartitionReassignments and ListPartitionReassignments,
 * KIP-455) driven by kafka-clients' {@code Admin} against four brokers in this JVM on an in-process
 * ZooKeeper: a replication factor raised from 1 to 3, a partition moved to other brokers under an
 * {@code acks=all} load with nothing acknowledged lost and the new replicas byte for byte the same,
 * the moved-away replica's log deleted, a reassignment that cannot progress listed and cancelled,
 * and bad requests refused with Kafka's errors; and a single node's answers.
 */
class ReassignmentIT {
  private static final long WAIT_MS = 90_000;

  private InProcessCluster cluster;

  private void startCluster(int count) throws Exception {
    cluster = InProcessCluster.launch(count, Map.of("replica.lag.time.max.ms", "2000"));
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private static void waitFor(String what, BrokerProcesses.Check condition)
      throws InterruptedException {
    BrokerProcesses.waitFor(what, WAIT_MS, condition);
  }

  private static TopicPartitionInfo describe(Admin admin, String topic) {
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      return d.partitions().get(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return null;
    }
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).collect(Collectors.toList());
  }

  private static Map<TopicPartition, PartitionReassignment> ongoing(Admin admin) {
    try {
      return admin.listPartitionReassignments().reassignments().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new AssertionError("listPartitionReassignments failed", e);
    }
  }

  /** Waits until the partition's replicas are {@code target}, all in sync, nothing in progress. */
  private static void awaitReassigned(Admin admin, String topic, List<Integer> target)
      throws InterruptedException {
    waitFor(
        topic + "-0 on " + target + " with every replica in sync",
        () -> {
          TopicPartitionInfo info = describe(admin, topic);
          return info != null
              && ids(info.replicas()).equals(target)
              && ids(info.isr()).containsAll(target)
              && info.isr().size() == target.size()
              && info.leader() != null
              && target.contains(info.leader().id())
              && ongoing(admin).isEmpty();
        });
  }

  /** Every {@code .log} file of a partition on one broker, concatenated in offset order. */
  private byte[] logBytes(int id, String topic) throws IOException {
    Path dir = cluster.dataDir(id).resolve(topic + "-0");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
        out.write(Files.readAllBytes(file));
      }
    }
    return out.toByteArray();
  }

  private int logLength(int id, String topic) {
    try {
      return logBytes(id, topic).length;
    } catch (IOException e) {
      return -1; // not there (yet)
    }
  }

  /** Waits until the replicas' logs have the same length, then asserts the same bytes. */
  private void assertIdenticalReplicas(String topic, List<Integer> replicas) throws Exception {
    waitFor(
        "the logs of " + topic + "-0 on " + replicas + " to reach the same length",
        () -> {
          int length = logLength(replicas.get(0), topic);
          return length > 0 && replicas.stream().allMatch(id -> logLength(id, topic) == length);
        });
    byte[] first = logBytes(replicas.get(0), topic);
    for (int id : replicas.subList(1, replicas.size())) {
      assertArrayEquals(
          first,
          logBytes(id, topic),
          "broker " + id + "'s log is broker " + replicas.get(0) + "'s");
    }
  }

  private void produce(String topic, History history, int from, int count) throws Exception {
    Properties props = KafkaClients.producer(bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        byte[] value = ("record-" + i).getBytes(StandardCharsets.UTF_8);
        values.add(value);
        sent.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
      }
      for (int i = 0; i < sent.size(); i++) {
        RecordMetadata meta = sent.get(i).get();
        history.acknowledged(meta.partition(), meta.offset(), values.get(i));
      }
    }
  }

  private static void create(
      Admin admin, String topic, int replicationFactor, Map<String, String> configs)
      throws Exception {
    admin
        .createTopics(List.of(new NewTopic(topic, 1, (short) replicationFactor).configs(configs)))
        .all()
        .get();
  }

  private static void reassign(Admin admin, String topic, List<Integer> target) throws Exception {
    admin
        .alterPartitionReassignments(
            Map.of(new TopicPartition(topic, 0), Optional.of(new NewPartitionReassignment(target))))
        .all()
        .get();
  }

  @Test
  void replicationFactorOneBecomesThree_andTheNewReplicasAreTheLeadersBytes() throws Exception {
    startCluster(3);
    String topic = "grow";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      create(admin, topic, 1, Map.of());
      waitFor("the topic", () -> describe(admin, topic) != null);
      int leader = describe(admin, topic).leader().id();
      History history = new History();
      produce(topic, history, 0, 500);

      List<Integer> target = new ArrayList<>(List.of(leader));
      cluster.running().keySet().stream().filter(id -> id != leader).forEach(target::add);
      reassign(admin, topic, target);
      awaitReassigned(admin, topic, target);

      // acks=all now waits for three in-sync replicas; the high watermark is over all of them.
      produce(topic, history, 500, 500);
      Map<Integer, Long> ends = ReplicaCheck.readBack(bootstrap(), topic, 1, history, WAIT_MS);
      assertEquals(1000L, ends.get(0));
      assertEquals(List.of(), history.violations());
      assertIdenticalReplicas(topic, target);
    }
  }

  @Test
  void aPartitionMovesUnderAcksAllLoad_losingNothingAcknowledged() throws Exception {
    startCluster(3);
    String topic = "moving";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      create(admin, topic, 2, Map.of("min.insync.replicas", "2"));
      waitFor(
          "the topic with two replicas in sync",
          () -> {
            TopicPartitionInfo info = describe(admin, topic);
            return info != null && info.isr().size() == 2;
          });
      TopicPartitionInfo before = describe(admin, topic);
      List<Integer> original = ids(before.replicas());
      int leaving = before.leader().id(); // the leader leaves: a new one is elected from the target
      int staying = original.stream().filter(id -> id != leaving).findFirst().orElseThrow();
      int arriving =
          cluster.running().keySet().stream()
              .filter(id -> !original.contains(id))
              .findFirst()
              .orElseThrow();
      List<Integer> target = List.of(staying, arriving);

      History history = new History();
      ProduceLoad load = ProduceLoad.start(bootstrap(), topic, 1, history);
      try {
        // Enough behind the new replica that it copies for a while as the load goes on.
        load.awaitAcks(List.of(0), 10_000, WAIT_MS);
        reassign(admin, topic, target);
        awaitReassigned(admin, topic, target);
        load.awaitAcks(List.of(0), 5_000, WAIT_MS);
      } finally {
        load.close();
      }
      System.out.printf(
          "reassignment %s -> %s under acks=all load: %d acknowledged, errors %s%n",
          original, target, load.acknowledged(), load.errors());
      Map<Integer, Long> ends = ReplicaCheck.readBack(bootstrap(), topic, 1, history, WAIT_MS);
      assertTrue(
          history.acknowledgedCount() >= 15_000, "acknowledged " + history.acknowledgedCount());
      assertEquals(List.of(), history.violations(), "acknowledged records lost or changed");
      assertIdenticalReplicas(topic, target);
      List<byte[]> logs = new ArrayList<>();
      for (int id : target) {
        logs.add(logBytes(id, topic));
      }
      assertEquals(0, ReplicaCheck.divergentOffsets(logs, ends.get(0)));
      Path removed = cluster.dataDir(leaving).resolve(topic + "-0");
      waitFor(
          "broker " + leaving + "'s log of " + topic + "-0 deleted", () -> !Files.exists(removed));
    }
  }

  @Test
  void aReassignmentThatCannotProgressIsListedAndCancelled() throws Exception {
    startCluster(3);
    String topic = "stuck";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      create(admin, topic, 1, Map.of());
      waitFor("the topic", () -> describe(admin, topic) != null);
      int owner = describe(admin, topic).leader().id();
      int other = owner == 1 ? 2 : 1;
      // With its only replica's broker stopped the partition is offline: nothing can copy it.
      cluster.stop(owner);
      waitFor(
          "the partition offline",
          () -> {
            TopicPartitionInfo info = describe(admin, topic);
            return info != null && info.leader() == null;
          });
      reassign(admin, topic, List.of(other));
      TopicPartition tp = new TopicPartition(topic, 0);
      // Listed by the controller, whose view may follow the receiving broker's by a moment.
      waitFor("the reassignment listed", () -> ongoing(admin).containsKey(tp));
      Map<TopicPartition, PartitionReassignment> listed = ongoing(admin);
      PartitionReassignment r = listed.get(tp);
      assertNotNull(r, "listed: " + listed);
      assertEquals(List.of(other, owner), r.replicas());
      assertEquals(List.of(other), r.addingReplicas());
      assertEquals(List.of(owner), r.removingReplicas());
      Path added = cluster.dataDir(other).resolve(topic + "-0");
      waitFor("the new replica's log on broker " + other, () -> Files.exists(added));

      // Cancelled: back to the original replicas; the added replica's log goes.
      admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get();
      waitFor("nothing listed", () -> ongoing(admin).isEmpty());
      waitFor("broker " + other + "'s log deleted", () -> !Files.exists(added));
      ExecutionException twice =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get());
      assertInstanceOf(NoReassignmentInProgressException.class, twice.getCause());

      cluster.start(owner);
      waitFor(
          "the partition back on broker " + owner,
          () -> {
            TopicPartitionInfo info = describe(admin, topic);
            return info != null
                && info.leader() != null
                && info.leader().id() == owner
                && ids(info.replicas()).equals(List.of(owner));
          });
    }
  }

  @Test
  void badRequestsAreRefusedWithKafkasErrors() throws Exception {
    startCluster(2);
    String topic = "refused";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      create(admin, topic, 1, Map.of());
      waitFor("the topic", () -> describe(admin, topic) != null);
      int owner = describe(admin, topic).leader().id();
      TopicPartition tp = new TopicPartition(topic, 0);
      Map<String, Class<? extends Throwable>> expected = new TreeMap<>();
      Map<String, Map<TopicPartition, Optional<NewPartitionReassignment>>> requests =
          new TreeMap<>();
      requests.put(
          "duplicates", Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 1)))));
      expected.put("duplicates", InvalidReplicaAssignmentException.class);
      requests.put(
          "unknown broker",
          Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(owner, 99)))));
      expected.put("unknown broker", InvalidReplicaAssignmentException.class);
      requests.put(
          "unknown topic",
          Map.of(
              new TopicPartition("nope", 0),
              Optional.of(new NewPartitionReassignment(List.of(1)))));
      expected.put("unknown topic", UnknownTopicOrPartitionException.class);
      requests.put(
          "unknown partition",
          Map.of(
              new TopicPartition(topic, 7), Optional.of(new NewPartitionReassignment(List.of(1)))));
      expected.put("unknown partition", UnknownTopicOrPartitionException.class);
      requests.put("cancel of nothing", Map.of(tp, Optional.empty()));
      expected.put("cancel of nothing", NoReassignmentInProgressException.class);
      for (String what : requests.keySet()) {
        ExecutionException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> admin.alterPartitionReassignments(requests.get(what)).all().get(),
                what);
        assertInstanceOf(expected.get(what), e.getCause(), what + ": " + e.getCause());
      }
      ExecutionException rf =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .alterPartitionReassignments(
                          Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 2)))),
                          new AlterPartitionReassignmentsOptions()
                              .allowReplicationFactorChange(false))
                      .all()
                      .get());
      assertInstanceOf(InvalidReplicationFactorException.class, rf.getCause());
      assertEquals(Map.of(), ongoing(admin));
      assertEquals(List.of(owner), ids(describe(admin, topic).replicas()), "nothing changed");
    }
  }

  @Test
  void aSingleNodeAnswersAsAOneBrokerCluster() throws Exception {
    try (EmbeddedBroker single = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(single.bootstrapServers()))) {
      create(admin, "alone", 1, Map.of());
      int self = admin.describeCluster().nodes().get().iterator().next().id();
      TopicPartition tp = new TopicPartition("alone", 0);
      admin
          .alterPartitionReassignments(
              Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(self)))))
          .all()
          .get();
      ExecutionException other =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .alterPartitionReassignments(
                          Map.of(
                              tp,
                              Optional.of(new NewPartitionReassignment(List.of(self, self + 1)))))
                      .all()
                      .get());
      assertInstanceOf(InvalidReplicaAssignmentException.class, other.getCause());
      ExecutionException cancel =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get());
      assertInstanceOf(NoReassignmentInProgressException.class, cancel.getCause());
      assertEquals(Map.of(), admin.listPartitionReassignments().reassignments().get());
      assertFalse(
          admin
              .listPartitionReassignments(java.util.Set.of(tp))
              .reassignments()
              .get()
              .containsKey(tp));
    }
  }
}
