package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code message.timestamp.after.max.ms} and {@code message.timestamp.before.max.ms}: CreateTime
 * outside [now - before, now + after] is refused with INVALID_TIMESTAMP and nothing is written.
 */
class AppendTimestampTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);
  LogManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private Log open(LogConfig config) {
    manager = LogManager.open(config, clock);
    return manager.createLog(TP);
  }

  private static SluiceException refused(Log log, ByteBuffer batch) {
    return assertThrows(SluiceException.class, () -> log.append(batch));
  }

  @Test
  void defaults_futureBeyondOneHourRefused_withinAcceptedAtTheEdge_pastUnlimited() {
    Log log = open(smallConfig(dir));
    SluiceException e = refused(log, TestBatches.batch("late", 1, NOW + HOUR + 1));
    assertEquals(Errors.INVALID_TIMESTAMP, e.error());
    assertTrue(e.getMessage().contains("message.timestamp.after.max.ms=3600000"), e.getMessage());
    assertEquals(0, log.logEndOffset(), "nothing written");

    assertEquals(0, log.append(TestBatches.batch("edge", 1, NOW + HOUR)).firstOffset());
    assertEquals(1, log.append(TestBatches.batch("old", 1, 1)).firstOffset());
    assertEquals(2, log.append(TestBatches.batch("none", 1, -1)).firstOffset());
    assertEquals(3, log.logEndOffset());
  }

  @Test
  void requestWithOneFutureBatch_refusedWhole() {
    Log log = open(smallConfig(dir));
    ByteBuffer request =
        TestBatches.concat(
            TestBatches.batch("ok", 2, NOW), TestBatches.batch("future", 1, Long.MAX_VALUE - 1));
    assertEquals(Errors.INVALID_TIMESTAMP, refused(log, request).error());
    assertEquals(0, log.logEndOffset());
  }

  @Test
  void beforeMax_pastBeyondRefused_onTheEdgeAccepted() {
    Log log = open(smallConfig(dir).toBuilder().timestampBeforeMaxMs(HOUR).build());
    assertEquals(
        Errors.INVALID_TIMESTAMP,
        refused(log, TestBatches.batch("old", 1, NOW - HOUR - 1)).error());
    assertEquals(0, log.append(TestBatches.batch("edge", 1, NOW - HOUR)).firstOffset());
    assertEquals(Errors.INVALID_TIMESTAMP, refused(log, TestBatches.batch("epoch", 1, 0)).error());
  }

  @Test
  void afterMaxZero_onlyTheBrokersNowOrEarlier() {
    Log log = open(smallConfig(dir).toBuilder().timestampAfterMaxMs(0).build());
    assertEquals(
        Errors.INVALID_TIMESTAMP, refused(log, TestBatches.batch("x", 1, NOW + 1)).error());
    assertEquals(0, log.append(TestBatches.batch("y", 1, NOW)).firstOffset());
  }

  @Test
  void compressedBatch_checkedByItsHeaderTimestamps() {
    Log log = open(smallConfig(dir));
    ByteBuffer gzip =
        MemoryRecords.withRecords(
                Compression.gzip().build(),
                new SimpleRecord(NOW, "a".getBytes()),
                new SimpleRecord(NOW + 2 * HOUR, "b".getBytes()))
            .buffer();
    assertEquals(Errors.INVALID_TIMESTAMP, refused(log, gzip).error());
  }

  @Test
  void logAppendTimeBatch_notChecked() {
    Log log = open(smallConfig(dir));
    ByteBuffer batch =
        MemoryRecords.withRecords(
                (byte) 2,
                0L,
                Compression.NONE,
                TimestampType.LOG_APPEND_TIME,
                new SimpleRecord(NOW + 5 * HOUR, "a".getBytes()))
            .buffer();
    assertEquals(0, log.append(batch).firstOffset());
  }
}
