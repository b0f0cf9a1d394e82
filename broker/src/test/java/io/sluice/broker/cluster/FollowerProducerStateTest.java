package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.storage.AppendResult;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotence across a leader change: a follower builds its producer table from the batches it
 * replicates (appended unchanged, producer id, epoch and sequences included), so that when it
 * becomes leader it answers a retry of a batch the old leader wrote with the original offsets (not
 * a second copy), refuses a sequence gap with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} and a stale
 * producer epoch with {@code INVALID_PRODUCER_EPOCH}; and after a restart it rebuilds the same
 * table from the replicated log.
 */
class FollowerProducerStateTest {
  private static final long PRODUCER = 4711;
  private static final TopicPartition TP = new TopicPartition("t", 0);

  @TempDir Path leaderDir;
  @TempDir Path followerDir;
  LogManager leaderLogs;
  LogManager followerLogs;
  Log leader;
  Log follower;

  @BeforeEach
  void open() {
    leaderLogs = LogManager.open(LogConfig.builder(List.of(leaderDir)).build(), Clock.systemUTC());
    followerLogs =
        LogManager.open(LogConfig.builder(List.of(followerDir)).build(), Clock.systemUTC());
    leader = leaderLogs.createLog(TP);
    follower = followerLogs.createLog(TP);
    leader.becomeLeader(1);
  }

  @AfterEach
  void close() {
    try {
      leaderLogs.close();
    } finally {
      followerLogs.close();
    }
  }

  /** A batch of {@code count} records of the producer, from sequence {@code first}. */
  private static ByteBuffer batch(short epoch, int first, int count) {
    RecordBatchBuilder b = new RecordBatchBuilder().producer(PRODUCER, epoch, first);
    for (int i = 0; i < count; i++) {
      b.append(System.currentTimeMillis(), null, ("v" + (first + i)).getBytes());
    }
    return b.build();
  }

  /** What the leader stored from {@code from} to its end, as a follower fetches it. */
  private ByteBuffer replicate() throws Exception {
    var slice = leader.read(follower.logEndOffset(), 1 << 20);
    try {
      ByteBuffer bytes = ByteBuffer.allocate(slice.length());
      slice.channel().read(bytes, slice.position());
      return bytes.flip();
    } finally {
      slice.release();
    }
  }

  @Test
  void aNewLeaderDeduplicatesRetriesOfTheOldLeadersBatchesAndDetectsGaps() throws Exception {
    AppendResult first = leader.append(batch((short) 0, 0, 3)); // offsets 0..2, seq 0..2
    AppendResult second = leader.append(batch((short) 0, 3, 2)); // offsets 3..4, seq 3..4
    follower.appendAsFollower(replicate());
    assertEquals(5, follower.logEndOffset());

    // The follower takes over; the producer did not get the answer for its second batch and
    // retries it there.
    follower.becomeLeader(2);
    AppendResult retry = follower.append(batch((short) 0, 3, 2));
    assertTrue(retry.duplicate(), "a retry of a replicated batch is a duplicate");
    assertEquals(second.firstOffset(), retry.firstOffset());
    assertEquals(second.lastOffset(), retry.lastOffset());
    assertEquals(5, follower.logEndOffset(), "nothing appended twice");
    AppendResult older = follower.append(batch((short) 0, 0, 3));
    assertTrue(older.duplicate());
    assertEquals(first.firstOffset(), older.firstOffset());

    // A gap: sequence 6 after 4.
    SluiceException gap =
        assertThrows(SluiceException.class, () -> follower.append(batch((short) 0, 6, 1)));
    assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, gap.error());
    // The next batch in sequence goes on at the new leader's end.
    AppendResult next = follower.append(batch((short) 0, 5, 1));
    assertFalse(next.duplicate());
    assertEquals(5, next.firstOffset());

    // A fenced (older) producer epoch once a newer one wrote.
    follower.append(batch((short) 1, 0, 1));
    SluiceException fenced =
        assertThrows(SluiceException.class, () -> follower.append(batch((short) 0, 6, 1)));
    assertEquals(Errors.INVALID_PRODUCER_EPOCH, fenced.error());
  }

  @Test
  void afterARestartTheReplicatedLogRebuildsTheSameTable() throws Exception {
    leader.append(batch((short) 0, 0, 3));
    AppendResult second = leader.append(batch((short) 0, 3, 2));
    follower.appendAsFollower(replicate());
    followerLogs.close();
    followerLogs =
        LogManager.open(LogConfig.builder(List.of(followerDir)).build(), Clock.systemUTC());
    follower = followerLogs.log(TP).orElseThrow();
    follower.becomeLeader(2);
    AppendResult retry = follower.append(batch((short) 0, 3, 2));
    assertTrue(retry.duplicate());
    assertEquals(second.firstOffset(), retry.firstOffset());
    SluiceException gap =
        assertThrows(SluiceException.class, () -> follower.append(batch((short) 0, 7, 1)));
    assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, gap.error());
  }
}
