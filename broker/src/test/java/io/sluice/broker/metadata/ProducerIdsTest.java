package io.sluice.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer ids come from durable blocks; the block reservation (the only disk work) runs on the
 * reserving executor, never on the caller. The executor here queues tasks until the test runs them.
 */
class ProducerIdsTest {
  @TempDir Path dir;

  private final Queue<Runnable> reservations = new ArrayDeque<>();
  private final Executor reserver = reservations::add;

  @Test
  void nextId_blockUsedUp_reservesNextBlockOnlyOnExecutor() throws Exception {
    ProducerIds ids = new ProducerIds(dir, reserver);

    CompletableFuture<Long> first = ids.nextId();
    assertFalse(first.isDone(), "the first block needs a reservation");
    assertFalse(Files.exists(dir.resolve(ProducerIds.FILE_NAME)), "no disk work on the caller");
    runReservations();
    assertEquals(0L, first.join());
    assertEquals(1000L, storedEnd());

    for (long expected = 1; expected < 1000; expected++) {
      CompletableFuture<Long> next = ids.nextId();
      assertTrue(next.isDone(), "id " + expected + " comes from the reserved block");
      assertEquals(expected, next.join());
    }
    CompletableFuture<Long> nextBlock = ids.nextId();
    assertFalse(nextBlock.isDone());
    runReservations();
    assertEquals(1000L, nextBlock.join());
    assertEquals(2000L, storedEnd());
  }

  @Test
  void nextId_afterRestart_neverReusesAnId() {
    ProducerIds before = new ProducerIds(dir);
    long last = -1;
    for (int i = 0; i < 5; i++) {
      last = before.nextId().join();
    }
    assertEquals(4L, last);

    ProducerIds after = new ProducerIds(dir);
    assertEquals(1000L, after.nextId().join(), "the rest of the block is skipped");
  }

  @Test
  void nextId_queuedCallersBeforeReservation_getDistinctIds() {
    ProducerIds ids = new ProducerIds(dir, reserver);
    CompletableFuture<Long> a = ids.nextId();
    CompletableFuture<Long> b = ids.nextId();
    runReservations();
    assertEquals(0L, a.join());
    assertEquals(1L, b.join());
    assertEquals(1000L, storedEnd(), "one block reserved for both");
  }

  private long storedEnd() {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(dir.resolve(ProducerIds.FILE_NAME))).getLong();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void runReservations() {
    while (!reservations.isEmpty()) {
      reservations.poll().run();
    }
  }
}
