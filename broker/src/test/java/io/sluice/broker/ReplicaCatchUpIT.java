package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure 18 (testing.md), with three broker processes on an in-process ZooKeeper, replication
 * factor 3, {@code min.insync.replicas=2}: a follower killed with {@code kill -9} while dozens of
 * segments are written and the records below most of them are deleted (DeleteRecords, so that the
 * follower's log ends below the leader's log start) starts over at the leader's log start, catches
 * up and rejoins the ISR, byte for byte equal to the leader; and a whole cluster killed with {@code
 * kill -9} under an {@code acks=all} load and started again loses no acknowledged record.
 */
class ReplicaCatchUpIT {
  private static final String TOPIC = "catchup";
  private static final int SESSION_MS = 4_000;

  @TempDir Path temp;

  @BeforeEach
  void packaged() {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
  }

  private BrokerProcesses start() throws Exception {
    return BrokerProcesses.start(
        temp,
        3,
        SESSION_MS,
        "min.insync.replicas=2",
        "default.replication.factor=3",
        "replica.lag.time.max.ms=3000",
        "log.segment.bytes=65536");
  }

  private static void createTopic(BrokerProcesses cluster, int partitions) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(cluster.bootstrap()))) {
      BrokerProcesses.waitFor(
          "three brokers", () -> admin.describeCluster().nodes().get().size() == 3);
      admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 3))).all().get();
    }
    awaitFullIsr(cluster, partitions);
  }

  private static void awaitFullIsr(BrokerProcesses cluster, int partitions)
      throws InterruptedException {
    BrokerProcesses.waitFor(
        "every partition with three in-sync replicas",
        () -> {
          for (int p = 0; p < partitions; p++) {
            if (cluster.isr(TOPIC, p).size() != 3) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  void followerDownForLong_belowTheLeadersLogStart_startsOverCatchesUpAndRejoinsTheIsr()
      throws Exception {
    History history = new History();
    try (BrokerProcesses cluster = start()) {
      createTopic(cluster, 1);
      int leader = cluster.leader(TOPIC, 0);
      int down = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
      produce(cluster.bootstrap(), history, 0, 2_000);
      cluster.kill9(down);
      BrokerProcesses.waitFor(
          "the killed follower out of the ISR", () -> !cluster.isr(TOPIC, 0).contains(down));
      long followerEnd = history.acknowledgedEnd(0);

      // Dozens of segments while it is down, then the first 30,000 records deleted.
      produce(cluster.bootstrapExcept(down), history, 2_000, 40_000);
      int leaderSegments = segments(cluster, leader);
      assertTrue(leaderSegments > 20, leaderSegments + " segments");
      long deleteBefore = 30_000;
      try (Admin admin = Admin.create(KafkaClients.admin(cluster.bootstrapExcept(down)))) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        long low =
            admin
                .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(deleteBefore)))
                .lowWatermarks()
                .get(tp)
                .get(60, TimeUnit.SECONDS)
                .lowWatermark();
        assertEquals(deleteBefore, low);
        assertTrue(low > followerEnd, "log start " + low + ", follower end " + followerEnd);
      }
      history.deletedBefore(0, deleteBefore);
      produce(cluster.bootstrapExcept(down), history, 42_000, 2_000);

      cluster.startBroker(down);
      BrokerProcesses.waitFor(
          "the restarted follower back in the ISR", () -> cluster.isr(TOPIC, 0).contains(down));
      long end = history.acknowledgedEnd(0);
      BrokerProcesses.waitFor(
          "the follower's log to reach the leader's end",
          () ->
              ReplicaCheck.batches(cluster.logBytes(down, TOPIC, 0))
                      .lastEntry()
                      .getValue()
                      .lastOffset()
                  == end - 1);
      Map<Integer, Long> ends =
          ReplicaCheck.readBack(cluster.bootstrap(), TOPIC, 1, history, BrokerProcesses.WAIT_MS);
      assertEquals(end, ends.get(0));
      List<byte[]> logs = new ArrayList<>();
      for (int id : cluster.ids()) {
        logs.add(cluster.logBytes(id, TOPIC, 0));
      }
      long followerStart = ReplicaCheck.batches(logs.get(down - 1)).firstKey();
      assertTrue(
          followerStart > followerEnd && followerStart <= deleteBefore,
          "the follower's log starts at " + followerStart);
      assertEquals(0, ReplicaCheck.divergentOffsets(logs, followerStart, end));
      assertEquals(List.of(), history.violations());
      System.out.printf(
          "follower down: its log ended at %d; the leader wrote %d segments and deleted records"
              + " below %d; the follower started over at %d and caught up to %d%n",
          followerEnd, leaderSegments, deleteBefore, followerStart, end);
    }
  }

  @Test
  void wholeClusterKilled_startedAgain_losesNothingAcknowledged() throws Exception {
    History history = new History();
    int partitions = 3;
    List<Integer> all = List.of(0, 1, 2);
    try (BrokerProcesses cluster = start()) {
      createTopic(cluster, partitions);
      long acknowledgedAtKill;
      try (ProduceLoad load = ProduceLoad.start(cluster.bootstrap(), TOPIC, partitions, history)) {
        load.awaitAcks(all, 2_000, BrokerProcesses.WAIT_MS);
        for (int id : cluster.ids()) {
          cluster.kill9(id);
        }
        acknowledgedAtKill = load.acknowledged();
        // Closed: the restarted brokers listen on new ports, which this client cannot learn.
      }
      for (int id : cluster.ids()) {
        cluster.startBroker(id);
      }
      awaitFullIsr(cluster, partitions);
      try (ProduceLoad load = ProduceLoad.start(cluster.bootstrap(), TOPIC, partitions, history)) {
        load.awaitAcks(all, 2_000, BrokerProcesses.WAIT_MS);
      }
      System.out.printf(
          "whole-cluster kill -9: %d records acknowledged before the kill, %d in all%n",
          acknowledgedAtKill, history.acknowledgedCount());
      Map<Integer, Long> ends =
          ReplicaCheck.readBack(
              cluster.bootstrap(), TOPIC, partitions, history, BrokerProcesses.WAIT_MS);
      assertEquals(List.of(), history.violations());
      awaitFullIsr(cluster, partitions);
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        BrokerProcesses.waitFor(
            "the replicas of partition " + p + " equal",
            () -> {
              List<byte[]> logs = new ArrayList<>();
              for (int id : cluster.ids()) {
                logs.add(cluster.logBytes(id, TOPIC, partition));
              }
              return ReplicaCheck.divergentOffsets(logs, ends.get(partition)) == 0;
            });
      }
    }
  }

  private static int segments(BrokerProcesses cluster, int id) throws Exception {
    try (Stream<Path> files = Files.list(cluster.dataDir(id).resolve(TOPIC + "-0"))) {
      return (int) files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
    }
  }

  /** Sends {@code count} acks=all records to partition 0 and waits for every acknowledgement. */
  private static void produce(String bootstrap, History history, int from, int count)
      throws Exception {
    Properties props = KafkaClients.producer(bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        byte[] value = ProduceLoad.value(0, i);
        values.add(value);
        sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, value)));
      }
      for (int i = 0; i < sent.size(); i++) {
        RecordMetadata meta = sent.get(i).get(60, TimeUnit.SECONDS);
        history.acknowledged(meta.partition(), meta.offset(), values.get(i));
      }
    }
  }
}
