package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.OffsetCommitRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Broker.close()} leaves no client connection behind: a client that has just committed
 * offsets, and one whose commit is still being written, each get an answer or a disconnect, never
 * silence. Repeated, because the race it guards against (a response handed to an event loop that is
 * shutting down) lost roughly one run in three.
 */
class ShutdownIT {
  private static final int RUNS = 25;
  private static final short VERSION = 8;

  @TempDir Path dataDir;

  @Test
  @Timeout(120)
  void close_afterOffsetCommits_everyConnectionAnsweredOrClosed() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      EmbeddedBroker broker =
          EmbeddedBroker.start(dataDir.resolve("run-" + run), Map.of("num.network.threads", "2"));
      InetSocketAddress address = broker.broker().localAddress();
      try (RawConnection answered = new RawConnection(address);
          RawConnection pending = new RawConnection(address)) {
        answered.send(ApiKey.OFFSET_COMMIT.id(), VERSION, 1, commit(run));
        assertNotNull(answered.readFrame(), "run " + run + ": first commit answered");
        pending.send(ApiKey.OFFSET_COMMIT.id(), VERSION, 1, commit(run));
        answered.send(ApiKey.OFFSET_COMMIT.id(), VERSION, 2, commit(run + 1));

        long start = System.nanoTime();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(broker::close);
        assertAnsweredThenClosed(answered, 2, run);
        assertAnsweredThenClosed(pending, 1, run);
        closing.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 4_000, "run " + run + ": shutdown took " + millis + " ms");
      } finally {
        broker.close();
      }
    }
  }

  /**
   * Reads what the broker sends until it closes: at most the answer with {@code correlationId},
   * then the end of the stream. The socket's 5 s read timeout fails a connection left open.
   */
  private static void assertAnsweredThenClosed(RawConnection connection, int correlationId, int run)
      throws IOException {
    ByteBuffer frame = connection.readFrameOrClose();
    if (frame != null) {
      assertEquals(correlationId, frame.getInt(), "run " + run + ": correlation id");
      assertTrue(connection.closedByBroker(), "run " + run + ": connection closed after answer");
    }
  }

  private static OffsetCommitRequest commit(long offset) {
    return new OffsetCommitRequest()
        .setGroupId("shutdown")
        .setGenerationIdOrMemberEpoch(-1)
        .setMemberId("")
        .setTopics(
            List.of(
                new OffsetCommitRequest.OffsetCommitRequestTopic()
                    .setName("events")
                    .setPartitions(
                        List.of(
                            new OffsetCommitRequest.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset)))));
  }
}
