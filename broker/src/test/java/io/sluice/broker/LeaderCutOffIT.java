package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure 16 (testing.md): a partition leader cut off from the other brokers and from ZooKeeper
 * while its client still reaches it ({@link NetworkCut}: iptables rules by control group). During
 * the cut a producer that knows only the old leader sends {@code acks=all} records to it: the old
 * leader appends them but can acknowledge none (its followers cannot fetch them, its ISR cannot
 * shrink without ZooKeeper), and whatever it did acknowledge must be there afterwards. The other
 * two brokers elect a new leader once the old one's session expires and take new acknowledged
 * writes. After the cut heals, the old leader registers again, finds itself a follower, truncates
 * what it appended during the cut by OffsetForLeaderEpoch and follows: the three replicas end byte
 * for byte equal, and every acknowledged record is read back at its offset.
 *
 * <p>Skips, naming the reason, when not run as root or without iptables or cgroup v2.
 */
class LeaderCutOffIT {
  private static final String TOPIC = "cut";
  private static final int SESSION_MS = 4_000;

  @TempDir Path temp;

  @Test
  void leaderCutOff_acknowledgesNothingItLoses_truncatesAndFollowsAfterHealing() throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    Optional<String> unavailable = NetworkCut.unavailable();
    Assumptions.assumeTrue(unavailable.isEmpty(), () -> "cannot cut a broker off: " + unavailable);
    History history = new History();
    try (NetworkCut net = NetworkCut.create();
        BrokerProcesses cluster =
            BrokerProcesses.start(
                temp,
                3,
                SESSION_MS,
                net::procsFile,
                "min.insync.replicas=2",
                "default.replication.factor=3",
                "replica.lag.time.max.ms=3000")) {
      try (Admin admin = Admin.create(KafkaClients.admin(cluster.bootstrap()))) {
        BrokerProcesses.waitFor(
            "three brokers", () -> admin.describeCluster().nodes().get().size() == 3);
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
      }
      awaitFullIsr(cluster);
      List<Future<RecordMetadata>> before = new ArrayList<>();
      List<byte[]> beforeValues = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(producer(cluster.bootstrap(), 60_000))) {
        send(producer, "before", 1_000, before, beforeValues);
        assertEquals(1_000, acknowledge(history, before, beforeValues, 60_000));
      }

      int old = cluster.leader(TOPIC, 0);
      int oldEpoch = cluster.partitionState(TOPIC, 0).get("leader_epoch").asInt();
      long oldBrokerEpoch = cluster.brokerEpoch(old);
      Map<Integer, Integer> ports = new TreeMap<>();
      for (int id : cluster.ids()) {
        ports.put(id, cluster.daemon(id).port());
      }
      byte[] cutLog;
      int lengthAtCut;
      int acknowledgedStale;
      net.cut(old, cluster.zooKeeperPort(), ports);
      try {
        // Once its session is gone the other two elect a new leader; by then no answer of the
        // old leader reaches them any more (a fetch parked before the cut is long answered).
        BrokerProcesses.waitFor(
            "the cut-off broker's session to expire", () -> cluster.brokerEpoch(old) < 0);
        BrokerProcesses.waitFor(
            "a new leader elected by the two brokers left",
            () -> {
              int now = cluster.leader(TOPIC, 0);
              return now > 0 && now != old;
            });
        lengthAtCut = cluster.logBytes(old, TOPIC, 0).length;
        // A client that knows only the old leader goes on writing to it: it appends, but its
        // followers never fetch what it appended, so it cannot acknowledge (the client times out,
        // refreshes its metadata through another broker and retries with the new leader).
        List<Future<RecordMetadata>> during = new ArrayList<>();
        List<byte[]> duringValues = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> stale =
            new KafkaProducer<>(producer(cluster.bootstrap(old), 20_000))) {
          send(stale, "during", 200, during, duringValues);
          BrokerProcesses.waitFor(
              "the cut-off leader to append the stale client's writes",
              () -> cluster.logBytes(old, TOPIC, 0).length > lengthAtCut);
          try (KafkaProducer<byte[], byte[]> fresh =
              new KafkaProducer<>(producer(cluster.bootstrapExcept(old), 60_000))) {
            List<Future<RecordMetadata>> after = new ArrayList<>();
            List<byte[]> afterValues = new ArrayList<>();
            send(fresh, "after", 500, after, afterValues);
            assertEquals(500, acknowledge(history, after, afterValues, 60_000));
          }
          acknowledgedStale = acknowledge(history, during, duringValues, 60_000);
        }
        cutLog = cluster.logBytes(old, TOPIC, 0);
      } finally {
        net.heal();
      }

      BrokerProcesses.waitFor(
          "the old leader registered again", () -> cluster.brokerEpoch(old) > oldBrokerEpoch);
      awaitFullIsr(cluster);
      BrokerProcesses.waitFor(
          "the three replicas' logs equal",
          () -> {
            byte[] one = cluster.logBytes(1, TOPIC, 0);
            return java.util.Arrays.equals(one, cluster.logBytes(2, TOPIC, 0))
                && java.util.Arrays.equals(one, cluster.logBytes(3, TOPIC, 0));
          });
      Map<Integer, Long> ends =
          ReplicaCheck.readBack(cluster.bootstrap(), TOPIC, 1, history, BrokerProcesses.WAIT_MS);
      List<byte[]> logs = new ArrayList<>();
      for (int id : cluster.ids()) {
        logs.add(cluster.logBytes(id, TOPIC, 0));
      }
      assertEquals(0, ReplicaCheck.divergentOffsets(logs, ends.get(0)));

      // What the old leader appended in its old epoch during the cut is gone from its log.
      TreeMap<Long, ReplicaCheck.Batch> finalBatches =
          ReplicaCheck.batches(cluster.logBytes(old, TOPIC, 0));
      int truncated = 0;
      for (ReplicaCheck.Batch batch : ReplicaCheck.batches(cutLog).values()) {
        ReplicaCheck.Batch now = finalBatches.get(batch.baseOffset());
        if (now == null || !java.util.Arrays.equals(now.bytes(), batch.bytes())) {
          assertEquals(oldEpoch, batch.leaderEpoch(), "a batch of another epoch was replaced");
          truncated++;
        }
      }
      System.out.printf(
          "leader cut off: broker %d, %d of the stale client's 200 writes acknowledged (by the new"
              + " leader, after a metadata refresh), %d batches the old leader appended during the"
              + " cut truncated after healing, %d records acknowledged in all, high watermark %d%n",
          old, acknowledgedStale, truncated, history.acknowledgedCount(), ends.get(0));
      assertTrue(truncated > 0, "the old leader kept everything it appended during the cut");
      assertEquals(List.of(), history.violations());
      assertArrayEquals(logs.get(0), logs.get(1));
    }
  }

  private static Properties producer(String bootstrap, int deliveryTimeoutMs) {
    Properties props = KafkaClients.producer(bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(deliveryTimeoutMs / 4));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(deliveryTimeoutMs));
    return props;
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      String prefix,
      int count,
      List<Future<RecordMetadata>> futures,
      List<byte[]> values) {
    for (int i = 0; i < count; i++) {
      byte[] value = (prefix + "-" + i).getBytes(StandardCharsets.UTF_8);
      values.add(value);
      futures.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, value)));
    }
  }

  /** Records every acknowledged send in the history; returns how many were acknowledged. */
  private static int acknowledge(
      History history, List<Future<RecordMetadata>> futures, List<byte[]> values, long timeoutMs)
      throws InterruptedException, TimeoutException {
    int acknowledged = 0;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (int i = 0; i < futures.size(); i++) {
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        RecordMetadata meta = futures.get(i).get(left, TimeUnit.NANOSECONDS);
        history.acknowledged(meta.partition(), meta.offset(), values.get(i));
        acknowledged++;
      } catch (ExecutionException e) {
        // not acknowledged: nothing promised
      }
    }
    return acknowledged;
  }

  private static void awaitFullIsr(BrokerProcesses cluster) throws InterruptedException {
    BrokerProcesses.waitFor("three in-sync replicas", () -> cluster.isr(TOPIC, 0).size() == 3);
  }
}
