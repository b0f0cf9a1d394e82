package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.Await;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log.flush.interval.ms and log.flush.interval.messages, and group commit of waiters. */
class FlushPolicyTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  private static void awaitFlushed(Log log, long offset) {
    Await.until("flushed up to offset " + offset, () -> log.flushedOffset() >= offset);
  }

  @Test
  void flushIntervalMs_unflushedDataOlderThanInterval_isFlushedWithoutWaiters() throws Exception {
    LogManager manager =
        LogManager.open(smallConfig(dir).toBuilder().flushIntervalMs(10_000).build(), clock);
    Log log = manager.createLog(TP);
    log.append(TestBatches.batch("a", 3, 1000));
    Thread.sleep(100);
    assertEquals(0, log.flushedOffset(), "not yet due by the injected clock");
    clock.advance(10_000);
    awaitFlushed(log, 3);
    assertEquals(3, log.flushedOffset());
    manager.close();
  }

  @Test
  void flushIntervalMessages_reached_flushesWithoutWaiters() throws Exception {
    LogManager manager =
        LogManager.open(
            smallConfig(dir).toBuilder()
                .flushIntervalMs(Long.MAX_VALUE)
                .flushIntervalMessages(5)
                .build(),
            clock);
    Log log = manager.createLog(TP);
    log.append(TestBatches.batch("a", 3, 1000));
    Thread.sleep(100);
    assertEquals(0, log.flushedOffset());
    log.append(TestBatches.batch("b", 2, 1000));
    awaitFlushed(log, 5);
    assertEquals(5, log.flushedOffset());
    manager.close();
  }

  @Test
  void awaitFlush_manyWaiters_allCompleteAndCoverTheirOffsets() throws Exception {
    LogManager manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    CompletableFuture<?>[] acks = new CompletableFuture<?>[50];
    for (int i = 0; i < acks.length; i++) {
      AppendResult r = log.append(TestBatches.batch("w" + i, 1, 1000));
      acks[i] = log.awaitFlush(r.lastOffset());
    }
    CompletableFuture.allOf(acks).get(10, TimeUnit.SECONDS);
    assertTrue(log.flushedOffset() >= 50);
    assertTrue(log.awaitFlush(10).isDone(), "an offset already flushed completes at once");
    manager.close();
  }
}
