package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
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
 * Where a new follower cuts its log, from the leader's OffsetForLeaderEpoch answer (KIP-101 and
 * KIP-279), never at its high watermark when the leader knows the epoch; and the batch sizes a
 * fetcher keeps from a response that ends inside a batch.
 */
class TruncationTest {
  @TempDir Path dir;
  LogManager logs;
  Log log;

  @BeforeEach
  void open() {
    logs = LogManager.open(LogConfig.builder(List.of(dir)).build(), Clock.systemUTC());
    log = logs.createLog(new TopicPartition("t", 0));
    log.becomeLeader(1);
    append(3); // 0..2 in epoch 1
    log.becomeLeader(2);
    append(3); // 3..5 in epoch 2
    log.updateHighWatermark(1, true);
  }

  @AfterEach
  void close() {
    logs.close();
  }

  private void append(int records) {
    RecordBatchBuilder b = new RecordBatchBuilder();
    for (int i = 0; i < records; i++) {
      b.append(System.currentTimeMillis(), null, new byte[] {(byte) i});
    }
    log.append(b.build());
  }

  private static OffsetForLeaderEpochResponse.EpochEndOffset answer(int epoch, long end) {
    return new OffsetForLeaderEpochResponse.EpochEndOffset()
        .setLeaderEpoch(epoch)
        .setEndOffset(end);
  }

  @Test
  void leaderKnowsOurEpoch_cutAtItsEndOfIt_notAtTheHighWatermark() {
    assertEquals(4, ReplicaFetcher.truncationOffset(log, 2, answer(2, 4)));
    assertEquals(6, ReplicaFetcher.truncationOffset(log, 2, answer(2, 9)), "never above our end");
  }

  @Test
  void leaderAnswersAnOlderEpoch_cutWhereThatEpochEndsInBothLogs() {
    // The leader never saw epoch 2: its epoch 1 ends at 2, ours at 3.
    assertEquals(2, ReplicaFetcher.truncationOffset(log, 2, answer(1, 2)));
    assertEquals(3, ReplicaFetcher.truncationOffset(log, 2, answer(1, 5)));
  }

  @Test
  void leaderKnowsNoEpochThatOld_fallBackToTheHighWatermark() {
    assertEquals(1, ReplicaFetcher.truncationOffset(log, 2, answer(-1, -1)));
  }

  @Test
  void wholeBatches_dropsAPartialBatchAtTheEnd() {
    ByteBuffer one = new RecordBatchBuilder().append(1L, null, new byte[10]).build();
    ByteBuffer two = ByteBuffer.allocate(one.remaining() * 2 - 5);
    two.put(one.duplicate());
    two.put(one.duplicate().limit(one.remaining() - 5));
    two.flip();
    assertEquals(one.remaining(), ReplicaFetcher.wholeBatches(two));
    assertEquals(0, ReplicaFetcher.wholeBatches(ByteBuffer.allocate(11)));
  }
}
