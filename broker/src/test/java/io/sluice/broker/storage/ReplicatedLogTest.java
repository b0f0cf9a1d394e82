package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.baseOffsets;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.readAndRelease;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage side of replication: a follower appends the leader's bytes unchanged, truncates a
 * divergent tail (also across segments), keeps a leader-epoch checkpoint that survives a restart,
 * and consumers read only below the high watermark, which acks=all waits on.
 */
class ReplicatedLogTest {
  static final TopicPartition TP = new TopicPartition("orders", 0);

  @TempDir Path leaderDir;
  @TempDir Path followerDir;
  LogManager leaders;
  LogManager followers;
  Log leader;
  Log follower;

  @BeforeEach
  void open() {
    leaders = LogManager.open(smallConfig(leaderDir), new MutableClock(1_000));
    followers = LogManager.open(smallConfig(followerDir), new MutableClock(1_000));
    leader = leaders.createLog(TP);
    follower = followers.createLog(TP);
  }

  @AfterEach
  void close() {
    try {
      leaders.close();
    } finally {
      followers.close();
    }
  }

  /** Copies everything the leader has past the follower's end, as a fetcher does. */
  private void replicate() {
    while (follower.logEndOffset() < leader.logEndOffset()) {
      byte[] bytes = readAndRelease(leader.read(follower.logEndOffset(), 100_000));
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      int whole = 0;
      while (whole + 12 <= bytes.length && whole + 12 + buf.getInt(whole + 8) <= bytes.length) {
        whole += 12 + buf.getInt(whole + 8);
      }
      follower.appendAsFollower(ByteBuffer.wrap(bytes, 0, whole).slice());
    }
  }

  private static byte[] allLogBytes(Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var files = Files.list(dir.resolve("orders-0"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        out.write(Files.readAllBytes(file));
      }
    }
    return out.toByteArray();
  }

  @Test
  void follower_appendsTheLeadersBatchesUnchanged_byteForByte() throws Exception {
    leader.becomeLeader(3);
    for (int i = 0; i < 40; i++) {
      leader.append(TestBatches.sized("r" + i, 1_000, 1_000));
    }
    replicate();

    assertEquals(40, follower.logEndOffset());
    assertTrue(follower.segments().size() > 2, "several segments");
    assertArrayEquals(allLogBytes(leaderDir), allLogBytes(followerDir));
    assertEquals(3, follower.latestEpoch());
    assertEquals(3, ByteBuffer.wrap(readAllBatches(follower, 0).get(0)).getInt(12));
  }

  @Test
  void appendAsFollower_batchNotAtTheLogEnd_isRefusedAndNothingIsWritten() {
    leader.append(TestBatches.batch("a", 2, 1_000));
    leader.append(TestBatches.batch("b", 2, 1_000));
    byte[] second = readAndRelease(leader.read(2, 1));

    SluiceException e =
        assertThrows(
            SluiceException.class, () -> follower.appendAsFollower(ByteBuffer.wrap(second)));
    assertEquals(Errors.OFFSET_OUT_OF_RANGE, e.error());
    assertEquals(0, follower.logEndOffset());
  }

  @Test
  void truncateTo_cutsWholeBatchesAcrossSegments_andTheLogAppendsAgain() throws Exception {
    for (int i = 0; i < 3; i++) {
      leader.append(TestBatches.batch("r" + i, 4, 1_000)); // 0..3, 4..7, 8..11
    }
    for (int i = 0; i < 40; i++) {
      leader.append(TestBatches.sized("s" + i, 1_000, 1_000)); // 12..51
    }
    replicate();
    assertTrue(follower.segments().size() > 2);

    // Offset 10 lies inside the batch 8..11: that batch goes too.
    assertEquals(8, follower.truncateTo(10));
    assertEquals(8, follower.logEndOffset());
    assertEquals(1, follower.segments().size());
    assertEquals(List.of(0L, 4L), baseOffsets(readAndRelease(follower.read(0, 100_000))));

    replicate();
    assertEquals(52, follower.logEndOffset());
    assertArrayEquals(allLogBytes(leaderDir), allLogBytes(followerDir));
  }

  @Test
  void truncateFullyAndStartAt_followerBelowTheLeadersLogStart_startsOverThereAndSurvivesRestart()
      throws Exception {
    follower.persistLeaderEpochs();
    leader.becomeLeader(2);
    for (int i = 0; i < 3; i++) {
      leader.append(TestBatches.batch("r" + i, 4, 1_000)); // 0..11
    }
    replicate();
    for (int i = 0; i < 40; i++) {
      leader.append(TestBatches.sized("s" + i, 1_000, 1_000)); // 12..51
    }
    assertEquals(40, leaders.deleteRecords(TP, 40).get());
    assertTrue(leader.logStartOffset() > follower.logEndOffset());
    // A waiter past the log end: it can only fail once the offsets it waits for are gone.
    CompletableFuture<Void> waiting = follower.awaitFlush(12);

    follower.truncateFullyAndStartAt(leader.logStartOffset());
    assertEquals(40, follower.logStartOffset());
    assertEquals(40, follower.logEndOffset());
    assertEquals(1, follower.segments().size());
    assertEquals(-1, follower.latestEpoch());
    assertTrue(waiting.isCompletedExceptionally());
    replicate();
    assertEquals(52, follower.logEndOffset());
    assertEquals(2, follower.latestEpoch());
    List<byte[]> leaderBatches = readAllBatches(leader, 40);
    List<byte[]> followerBatches = readAllBatches(follower, 40);
    assertEquals(leaderBatches.size(), followerBatches.size());
    for (int i = 0; i < leaderBatches.size(); i++) {
      assertArrayEquals(leaderBatches.get(i), followerBatches.get(i));
    }

    followers.close();
    followers = LogManager.open(smallConfig(followerDir), new MutableClock(1_000));
    follower = followers.log(TP).orElseThrow();
    assertEquals(40, follower.logStartOffset());
    assertEquals(52, follower.logEndOffset());
    assertThrows(IllegalArgumentException.class, () -> follower.truncateFullyAndStartAt(52));
  }

  @Test
  void leaderEpochs_checkpointSurvivesARestart_andAnswersWhereAnEpochEnds() throws Exception {
    follower.persistLeaderEpochs();
    leader.becomeLeader(1);
    leader.append(TestBatches.batch("a", 3, 1_000)); // 0..2 in epoch 1
    leader.becomeLeader(4);
    leader.append(TestBatches.batch("b", 2, 1_000)); // 3..4 in epoch 4
    replicate();

    assertArrayEquals(new long[] {1, 3}, follower.endOffsetForEpoch(1));
    assertArrayEquals(new long[] {1, 3}, follower.endOffsetForEpoch(3));
    assertArrayEquals(new long[] {4, 5}, follower.endOffsetForEpoch(4));
    assertArrayEquals(new long[] {-1, -1}, follower.endOffsetForEpoch(0));
    String checkpoint =
        Files.readString(followerDir.resolve("orders-0").resolve(LeaderEpochCache.FILE_NAME));
    assertEquals("0\n2\n1 0\n4 3\n", checkpoint);

    followers.close();
    followers = LogManager.open(smallConfig(followerDir), new MutableClock(1_000));
    follower = followers.log(TP).orElseThrow();
    assertArrayEquals(new long[] {4, 5}, follower.endOffsetForEpoch(7));

    follower.truncateTo(3);
    assertEquals(1, follower.latestEpoch());
    assertEquals(
        "0\n1\n1 0\n",
        Files.readString(followerDir.resolve("orders-0").resolve(LeaderEpochCache.FILE_NAME)));
  }

  @Test
  void singleNode_writesNoLeaderEpochCheckpoint() {
    leader.append(TestBatches.batch("a", 1, 1_000));
    assertFalse(Files.exists(leaderDir.resolve("orders-0").resolve(LeaderEpochCache.FILE_NAME)));
    assertEquals(0, leader.latestEpoch());
  }

  @Test
  void consumerRead_stopsAtTheHighWatermark_andAcksAllWaitsForIt() {
    leader.becomeLeader(1);
    leader.updateHighWatermark(0, true);
    leader.append(TestBatches.batch("a", 2, 1_000)); // 0..1
    leader.append(TestBatches.batch("b", 3, 1_000)); // 2..4
    CompletableFuture<Void> acked = leader.awaitHighWatermark(4);

    assertEquals(0, leader.highWatermark());
    assertEquals(0, leader.read(0, 100_000, leader.highWatermark()).length());
    leader.updateHighWatermark(2, false);
    byte[] visible = readAndRelease(leader.read(0, 100_000, leader.highWatermark()));
    assertEquals(List.of(0L), baseOffsets(visible));
    assertFalse(acked.isDone());
    leader.updateHighWatermark(1, false); // never moves back
    assertEquals(2, leader.highWatermark());

    leader.updateHighWatermark(5, false);
    assertTrue(acked.isDone());
    assertEquals(
        List.of(0L, 2L),
        baseOffsets(readAndRelease(leader.read(0, 100_000, leader.highWatermark()))));
  }

  @Test
  void leadershipLoss_failsTheProducesWaitingForTheHighWatermark() {
    leader.becomeLeader(1);
    leader.updateHighWatermark(0, true);
    leader.append(TestBatches.batch("a", 2, 1_000));
    CompletableFuture<Void> acked = leader.awaitHighWatermark(1);

    leader.failHighWatermarkWaiters(new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, "moved"));

    CompletionException e = assertThrows(CompletionException.class, acked::join);
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, ((SluiceException) e.getCause()).error());
  }
}
