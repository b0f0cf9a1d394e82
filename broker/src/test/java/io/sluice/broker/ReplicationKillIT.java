package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure 15 (testing.md): {@code kill -9} of a partition leader's process under an {@code
 * acks=all} idempotent kafka-clients load, replication factor 3, {@code min.insync.replicas=2},
 * three broker processes on an in-process ZooKeeper. Each cycle kills the leader of one partition
 * (the partitions in turn), waits for another in-sync replica to lead it and for the load to be
 * acknowledged on it again, restarts the killed broker on its data and waits for it to rejoin every
 * partition's ISR. Afterwards every acknowledged record is read back at its offset with the same
 * bytes ({@link History}), and the three replicas' segment files hold the same batches, byte for
 * byte, up to the high watermark ({@link ReplicaCheck#divergentOffsets}). The figures (cycles,
 * acknowledged, lost, divergent, failover time) are printed.
 *
 * <p>Two cycles in every build; {@code -Dsluice.replication.cycles=20} for the long run.
 */
class ReplicationKillIT {
  private static final String TOPIC = "replicated";
  private static final int PARTITIONS = 3;
  private static final int SESSION_MS = 4_000;
  private static final int CYCLES = Integer.getInteger("sluice.replication.cycles", 2);
  private static final long ACKS_PER_CYCLE = 300;

  @TempDir Path temp;

  @Test
  void kill9OfTheLeaderUnderAcksAllLoad_nothingAcknowledgedLost_replicasIdentical()
      throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    History history = new History();
    List<Long> electionMs = new ArrayList<>();
    List<Long> failoverMs = new ArrayList<>();
    try (BrokerProcesses cluster =
        BrokerProcesses.start(
            temp,
            3,
            SESSION_MS,
            "min.insync.replicas=2",
            "default.replication.factor=3",
            "replica.lag.time.max.ms=5000")) {
      try (Admin admin = Admin.create(KafkaClients.admin(cluster.bootstrap()))) {
        BrokerProcesses.waitFor(
            "three brokers", () -> admin.describeCluster().nodes().get().size() == 3);
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
      }
      awaitFullIsr(cluster);
      List<Integer> all = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        all.add(p);
      }
      try (ProduceLoad load = ProduceLoad.start(cluster.bootstrap(), TOPIC, PARTITIONS, history)) {
        load.awaitAcks(all, ACKS_PER_CYCLE, BrokerProcesses.WAIT_MS);
        for (int cycle = 0; cycle < CYCLES; cycle++) {
          int partition = cycle % PARTITIONS;
          int leader = cluster.leader(TOPIC, partition);
          assertTrue(leader > 0, "partition " + partition + " has no leader");
          load.mark(partition);
          long killedAt = System.nanoTime();
          cluster.kill9(leader);
          BrokerProcesses.waitFor(
              "a new leader of partition " + partition + " after broker " + leader + " was killed",
              () -> {
                int now = cluster.leader(TOPIC, partition);
                return now > 0 && now != leader;
              });
          electionMs.add((System.nanoTime() - killedAt) / 1_000_000);
          BrokerProcesses.waitFor(
              "partition " + partition + " acknowledging again (errors " + load.errors() + ")",
              () -> load.recoveredAfterMarkMs(partition) >= 0);
          failoverMs.add(load.recoveredAfterMarkMs(partition));
          cluster.startBroker(leader);
          awaitFullIsr(cluster);
          load.awaitAcks(all, ACKS_PER_CYCLE, BrokerProcesses.WAIT_MS);
          System.out.printf(
              "cycle %d: killed broker %d (leader of %s-%d), new leader in %d ms, acknowledged"
                  + " again after %d ms; %d acknowledged so far%n",
              cycle + 1,
              leader,
              TOPIC,
              partition,
              electionMs.get(cycle),
              failoverMs.get(cycle),
              load.acknowledged());
        }
      }
      awaitFullIsr(cluster);
      // Every replica's log reaches the same end once the load has stopped.
      BrokerProcesses.waitFor(
          "the three replicas' logs to reach the same length",
          () -> {
            for (int p = 0; p < PARTITIONS; p++) {
              int length = cluster.logBytes(1, TOPIC, p).length;
              if (length == 0
                  || length != cluster.logBytes(2, TOPIC, p).length
                  || length != cluster.logBytes(3, TOPIC, p).length) {
                return false;
              }
            }
            return true;
          });
      Map<Integer, Long> ends =
          ReplicaCheck.readBack(
              cluster.bootstrap(), TOPIC, PARTITIONS, history, BrokerProcesses.WAIT_MS);
      long divergent = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        List<byte[]> logs = new ArrayList<>();
        for (int id : cluster.ids()) {
          logs.add(cluster.logBytes(id, TOPIC, p));
        }
        divergent += ReplicaCheck.divergentOffsets(logs, ends.get(p));
      }
      List<String> violations = history.violations();
      System.out.printf(
          "replication kill -9 soak: %d cycles, %d records acknowledged, %d lost or changed, %d"
              + " divergent offsets, new leader median %d ms p99 %d ms, acknowledged again median"
              + " %d ms p99 %d ms, high watermarks %s%n",
          CYCLES,
          history.acknowledgedCount(),
          violations.size(),
          divergent,
          percentile(electionMs, 50),
          percentile(electionMs, 99),
          percentile(failoverMs, 50),
          percentile(failoverMs, 99),
          ends);
      assertEquals(List.of(), violations);
      assertEquals(0, divergent, "offsets holding different batches on two replicas");
      assertTrue(history.acknowledgedCount() >= CYCLES * ACKS_PER_CYCLE);
    }
  }

  private static void awaitFullIsr(BrokerProcesses cluster) throws InterruptedException {
    BrokerProcesses.waitFor(
        "every partition with three in-sync replicas",
        () -> {
          for (int p = 0; p < PARTITIONS; p++) {
            if (cluster.isr(TOPIC, p).size() != 3) {
              return false;
            }
          }
          return true;
        });
  }

  /** The nearest-rank percentile. */
  static long percentile(List<Long> values, int percent) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
