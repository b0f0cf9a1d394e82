package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.readAndRelease;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** failure-catalogue item (docs/storage.md, Tests) 10: disk full and failed fsync. */
class DiskFaultTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  @Test
  void append_enospcWithTornWrite_failsCleanlyAndLaterAppendsContinue() throws Exception {
    FaultyFileIo io = new FaultyFileIo();
    LogManager manager = LogManager.open(smallConfig(dir), clock, io);
    Log log = manager.createLog(TP);
    ByteBuffer first = TestBatches.batch("one", 2, 1000);
    byte[] firstStored = TestBatches.withBaseOffset(first, 0);
    log.append(first);
    log.awaitFlush(1).get(10, TimeUnit.SECONDS);
    Path file = dir.resolve("orders-0").resolve(LogFiles.logName(0));
    long sizeBefore = Files.size(file);

    io.failWrite(1, 40);
    SluiceException e =
        assertThrows(SluiceException.class, () -> log.append(TestBatches.batch("two", 3, 1000)));
    assertEquals(Errors.KAFKA_STORAGE_ERROR, e.error());
    assertEquals(2, log.logEndOffset(), "nothing published");
    assertEquals(sizeBefore, Files.size(file), "the torn bytes were cut off");
    assertArrayEquals(firstStored, readAndRelease(log.read(0, 1000)), "reads keep working");

    // Space was freed: the next append lands right after the first batch.
    AppendResult next = log.append(TestBatches.batch("three", 1, 1000));
    assertEquals(2, next.firstOffset());
    log.awaitFlush(next.lastOffset()).get(10, TimeUnit.SECONDS);
    assertEquals(2, readAllBatches(log, 0).size());
    manager.close();
    assertTrue(Files.exists(dir.resolve(LogFiles.CLEAN_SHUTDOWN)));
  }

  @Test
  void flush_fsyncFails_takesDirectoryOfflineAndNeverAcks() throws Exception {
    FaultyFileIo io = new FaultyFileIo();
    LogManager manager = LogManager.open(smallConfig(dir), clock, io);
    Log log = manager.createLog(TP);
    ByteBuffer first = TestBatches.batch("one", 2, 1000);
    byte[] firstStored = TestBatches.withBaseOffset(first, 0);
    log.append(first);
    log.awaitFlush(1).get(10, TimeUnit.SECONDS);

    io.failSync(1, false);
    AppendResult second = log.append(TestBatches.batch("two", 2, 1000));
    CompletableFuture<Void> ack = log.awaitFlush(second.lastOffset());
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> ack.get(10, TimeUnit.SECONDS));
    SluiceException cause = assertInstanceOf(SluiceException.class, failed.getCause());
    assertEquals(Errors.KAFKA_STORAGE_ERROR, cause.error());
    assertEquals(2, log.flushedOffset(), "the failed flush did not advance the recovery point");

    io.clearFaults();
    // Never retried as if nothing happened: the directory stays offline.
    assertEquals(
        Errors.KAFKA_STORAGE_ERROR,
        assertThrows(SluiceException.class, () -> log.append(TestBatches.batch("three", 1, 1000)))
            .error());
    CompletableFuture<Void> later = log.awaitFlush(second.lastOffset());
    assertTrue(later.isCompletedExceptionally());
    assertArrayEquals(firstStored, readAndRelease(log.read(0, 1)), "reads keep working");

    manager.close();
    assertFalse(Files.exists(dir.resolve(LogFiles.CLEAN_SHUTDOWN)), "no clean marker");

    LogManager reopened = LogManager.open(smallConfig(dir), clock);
    assertEquals(1, reopened.lastRecovery().uncleanDirectories());
    assertEquals(4, reopened.log(TP).orElseThrow().logEndOffset());
    reopened.close();
  }

  @Test
  void close_whenFinalFlushFails_writesNoCleanMarker() {
    FaultyFileIo io = new FaultyFileIo();
    LogManager manager = LogManager.open(smallConfig(dir), clock, io);
    Log log = manager.createLog(TP);
    log.append(TestBatches.batch("one", 2, 1000));
    io.failSync(1, false);
    manager.close();
    assertFalse(Files.exists(dir.resolve(LogFiles.CLEAN_SHUTDOWN)));
  }
}
