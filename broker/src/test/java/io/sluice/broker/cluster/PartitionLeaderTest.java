package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's bookkeeping of one replicated partition: the high watermark is the minimum log end
 * over the ISR, a lagging follower leaves the ISR after the lag time and comes back once caught up,
 * ISR changes go through the writer (ZooKeeper) before they count, and a fenced write changes
 * nothing.
 */
class PartitionLeaderTest {
  @TempDir Path dir;
  LogManager logs;
  Log log;
  final Queue<Runnable> isrThread = new ArrayDeque<>();
  final List<List<Integer>> written = new ArrayList<>();
  boolean fenced;
  List<Integer> zkIsr;

  @BeforeEach
  void open() {
    logs = LogManager.open(LogConfig.builder(List.of(dir)).build(), Clock.systemUTC());
    log = logs.createLog(new TopicPartition("t", 0));
    log.becomeLeader(2);
  }

  @AfterEach
  void close() {
    logs.close();
  }

  private PartitionLeader leader(List<Integer> isr, long now) {
    zkIsr = isr;
    return new PartitionLeader(
        "t",
        0,
        log,
        1,
        2,
        List.of(1, 2, 3),
        isr,
        now,
        isrThread::add,
        (epoch, change) -> write(epoch, change));
  }

  private List<Integer> write(int epoch, UnaryOperator<List<Integer>> change) {
    assertEquals(2, epoch);
    if (fenced) {
      return null;
    }
    zkIsr = change.apply(zkIsr);
    written.add(zkIsr);
    return zkIsr;
  }

  private void runIsrThread() {
    while (!isrThread.isEmpty()) {
      isrThread.poll().run();
    }
  }

  private void append(int records) {
    RecordBatchBuilder b = new RecordBatchBuilder();
    for (int i = 0; i < records; i++) {
      b.append(System.currentTimeMillis(), null, new byte[] {(byte) i});
    }
    log.append(b.build());
  }

  @Test
  void highWatermark_isTheMinimumLogEndOverTheIsr() {
    PartitionLeader leader = leader(List.of(1, 2, 3), 0);
    append(5);
    assertEquals(0, log.highWatermark(), "followers' ends unknown: nothing is committed");

    assertEquals(Errors.NONE, leader.followerFetched(2, 5, 10));
    assertEquals(0, log.highWatermark());
    assertEquals(Errors.NONE, leader.followerFetched(3, 3, 10));
    assertEquals(3, log.highWatermark());
    assertEquals(Errors.NONE, leader.followerFetched(3, 5, 11));
    assertEquals(5, log.highWatermark());
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, leader.followerFetched(7, 5, 11));
  }

  @Test
  void acksAll_completesWhenTheIsrHasTheBatch() {
    PartitionLeader leader = leader(List.of(1, 2), 0);
    append(3);
    CompletableFuture<Void> acked = log.awaitHighWatermark(2);
    assertFalse(acked.isDone());
    leader.followerFetched(2, 3, 5);
    assertTrue(acked.isDone());
  }

  @Test
  void laggingFollower_leavesTheIsrAfterTheLagTime_andTheHighWatermarkMovesOn() {
    PartitionLeader leader = leader(List.of(1, 2, 3), 0);
    append(4);
    leader.followerFetched(2, 4, 100);
    leader.followerFetched(3, 1, 100);
    assertEquals(1, log.highWatermark());
    assertEquals(Errors.NONE, leader.checkInSync(3));

    leader.checkLag(1_000, 1_000); // follower 3 last caught up at 0: not yet past the lag time
    runIsrThread();
    assertEquals(List.of(), written);

    leader.checkLag(1_001, 1_000);
    runIsrThread();
    assertEquals(List.of(List.of(1, 2)), written);
    assertEquals(List.of(1, 2), leader.isr());
    assertEquals(4, log.highWatermark());
    assertEquals(Errors.NOT_ENOUGH_REPLICAS, leader.checkInSync(3));
    assertEquals(Errors.NONE, leader.checkInSync(2));
  }

  @Test
  void steadyLoad_followerAtThePreviousLeaderEndCountsAsCaughtUp() {
    PartitionLeader leader = leader(List.of(1, 2), 0);
    append(2);
    leader.followerFetched(2, 0, 500); // leader end was 2 at this fetch
    append(2);
    leader.followerFetched(2, 2, 900); // reached the end of the previous fetch: caught up at 500
    leader.checkLag(1_400, 1_000);
    runIsrThread();
    assertEquals(List.of(), written, "caught up as of 500: within the lag time at 1400");
    leader.checkLag(1_501, 1_000);
    runIsrThread();
    assertEquals(List.of(List.of(1)), written);
  }

  @Test
  void followerBackAtTheHighWatermark_rejoinsTheIsr() {
    PartitionLeader leader = leader(List.of(1, 2), 0);
    append(6);
    leader.followerFetched(2, 6, 1);
    assertEquals(6, log.highWatermark());

    leader.followerFetched(3, 4, 2);
    runIsrThread();
    assertEquals(List.of(), written, "below the high watermark: not in sync yet");
    leader.followerFetched(3, 6, 3);
    runIsrThread();
    assertEquals(List.of(List.of(1, 2, 3)), written);
    assertEquals(List.of(1, 2, 3), leader.isr());
  }

  @Test
  void fencedIsrWrite_changesNothing() {
    PartitionLeader leader = leader(List.of(1, 2, 3), 0);
    fenced = true;
    leader.checkLag(10_000, 1_000);
    runIsrThread();
    assertEquals(List.of(1, 2, 3), leader.isr());
  }

  @Test
  void replicasAddedByAReassignment_areTrackedAndJoinTheIsrOnceCaughtUp() {
    PartitionLeader leader = leader(List.of(1, 2), 0);
    append(4);
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, leader.followerFetched(4, 0, 1), "not a replica");
    leader.replicasFromCluster(List.of(1, 2, 3, 4), 1);
    leader.followerFetched(2, 4, 2);
    assertEquals(4, log.highWatermark(), "the high watermark is over the ISR only");
    assertEquals(Errors.NONE, leader.followerFetched(4, 2, 3));
    runIsrThread();
    assertEquals(List.of(), written);
    leader.followerFetched(4, 4, 4);
    runIsrThread();
    assertEquals(List.of(List.of(1, 2, 4)), written);
    assertEquals(Errors.NONE, leader.checkInSync(3));

    leader.replicasFromCluster(List.of(1, 2, 3), 5);
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, leader.followerFetched(4, 4, 6), "removed");
  }

  @Test
  void aSingleReplicaLeaderGainingFollowers_switchesToTheIsrHighWatermark() {
    PartitionLeader leader =
        new PartitionLeader(
            "t", 0, log, 1, 2, List.of(1), List.of(1), 0, isrThread::add, this::write);
    zkIsr = List.of(1);
    append(3);
    assertEquals(3, log.highWatermark(), "one replica: the log end");
    leader.replicasFromCluster(List.of(1, 2), 1);
    append(2);
    assertEquals(5, log.highWatermark(), "the leader alone is the ISR until 2 catches up");
    leader.followerFetched(2, 5, 2);
    runIsrThread();
    assertEquals(List.of(List.of(1, 2)), written);
    append(1);
    CompletableFuture<Void> acked = log.awaitHighWatermark(5);
    assertEquals(5, log.highWatermark(), "now follower 2 holds it back");
    assertFalse(acked.isDone());
    leader.followerFetched(2, 6, 3);
    assertTrue(acked.isDone());
  }

  @Test
  void close_failsWaitingProduces() {
    PartitionLeader leader = leader(List.of(1, 2), 0);
    append(1);
    CompletableFuture<Void> acked = log.awaitHighWatermark(0);
    leader.close();
    assertTrue(acked.isCompletedExceptionally());
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, leader.checkInSync(1));
  }
}
