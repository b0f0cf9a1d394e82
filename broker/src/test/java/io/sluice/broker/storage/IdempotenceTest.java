package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotent producers, and failure-catalogue item (docs/storage.md, Tests) 7 (a retry across a
 * crash).
 */
class IdempotenceTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);
  LogManager manager;
  Log log;

  @BeforeEach
  void open() {
    manager = LogManager.open(smallConfig(dir), clock);
    log = manager.createLog(TP);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void append_sameSequenceTwice_returnsOriginalOffsetsAndAppendsOnce() {
    log.append(TestBatches.batch("plain", 2, 1000));
    AppendResult first = log.append(TestBatches.idempotent(7, (short) 0, 0, 3));
    AppendResult retry = log.append(TestBatches.idempotent(7, (short) 0, 0, 3));

    assertFalse(first.duplicate());
    assertTrue(retry.duplicate());
    assertEquals(2, retry.firstOffset());
    assertEquals(4, retry.lastOffset());
    assertEquals(5, log.logEndOffset());
    assertEquals(2, readAllBatches(log, 0).size());
  }

  @Test
  void append_oneOfLastFiveBatches_isDuplicate() {
    for (int i = 0; i < 5; i++) {
      log.append(TestBatches.idempotent(7, (short) 0, i * 2, 2));
    }
    AppendResult retry = log.append(TestBatches.idempotent(7, (short) 0, 2, 2));
    assertTrue(retry.duplicate());
    assertEquals(2, retry.firstOffset());
    assertEquals(10, log.logEndOffset());
  }

  @Test
  void append_batchOlderThanTheLastFive_isRejectedNotAppended() {
    for (int i = 0; i < 6; i++) {
      log.append(TestBatches.idempotent(7, (short) 0, i, 1));
    }
    SluiceException e =
        assertThrows(
            SluiceException.class, () -> log.append(TestBatches.idempotent(7, (short) 0, 0, 1)));
    assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, e.error());
    assertEquals(6, log.logEndOffset());
  }

  @Test
  void append_sequenceGap_isOutOfOrderSequence() {
    log.append(TestBatches.idempotent(7, (short) 0, 0, 3));
    SluiceException e =
        assertThrows(
            SluiceException.class, () -> log.append(TestBatches.idempotent(7, (short) 0, 5, 1)));
    assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, e.error());
    assertTrue(e.getMessage().contains("expected=3"), e.getMessage());
    assertEquals(3, log.logEndOffset());
  }

  @Test
  void append_staleEpoch_isInvalidProducerEpoch() {
    log.append(TestBatches.idempotent(7, (short) 1, 0, 1));
    SluiceException e =
        assertThrows(
            SluiceException.class, () -> log.append(TestBatches.idempotent(7, (short) 0, 1, 1)));
    assertEquals(Errors.INVALID_PRODUCER_EPOCH, e.error());
  }

  @Test
  void append_newEpochMustStartAtZero() {
    log.append(TestBatches.idempotent(7, (short) 0, 0, 1));
    assertEquals(
        Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
        assertThrows(
                SluiceException.class, () -> log.append(TestBatches.idempotent(7, (short) 1, 4, 1)))
            .error());
    assertEquals(1, log.append(TestBatches.idempotent(7, (short) 1, 0, 1)).firstOffset());
  }

  @Test
  void append_independentProducers_doNotInterfere() {
    log.append(TestBatches.idempotent(7, (short) 0, 0, 1));
    log.append(TestBatches.idempotent(8, (short) 0, 0, 1));
    assertEquals(2, log.append(TestBatches.idempotent(7, (short) 0, 1, 1)).firstOffset());
    assertTrue(log.append(TestBatches.idempotent(8, (short) 0, 0, 1)).duplicate());
  }

  @Test
  void retry_afterCrashAndRecovery_leavesExactlyOneCopy() {
    log.append(TestBatches.batch("before", 1, 1000));
    AppendResult acked = log.append(TestBatches.idempotent(9, (short) 0, 0, 4));
    manager.crashForTest();

    manager = LogManager.open(smallConfig(dir), clock);
    log = manager.log(TP).orElseThrow();
    AppendResult retry = log.append(TestBatches.idempotent(9, (short) 0, 0, 4));
    assertTrue(retry.duplicate());
    assertEquals(acked.firstOffset(), retry.firstOffset());
    assertEquals(acked.lastOffset(), retry.lastOffset());
    assertEquals(5, log.logEndOffset());
    assertEquals(2, readAllBatches(log, 0).size());
    assertEquals(5, log.append(TestBatches.idempotent(9, (short) 0, 4, 1)).firstOffset());
  }
}
