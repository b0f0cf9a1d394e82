package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker per log directory: the {@code .lock} file and its OS lock. */
class LogDirLockTest {
  @TempDir Path dir;
  @TempDir Path other;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  @Test
  void open_directoryHeldByAnotherManager_failsNamingDirectoryAndPid_readsNothing()
      throws Exception {
    try (LogManager first = LogManager.open(smallConfig(dir), clock)) {
      first.createLog(TP).append(TestBatches.batch("a", 1, 1000));
      long pid = ProcessHandle.current().pid();
      assertEquals(
          pid + "\n", Files.readString(dir.resolve(LogFiles.LOCK), StandardCharsets.US_ASCII));
      // The second manager names both directories; the first one is free, the second is held.
      LogConfig config =
          LogConfig.builder(List.of(other, dir)).flushIntervalMs(Long.MAX_VALUE).build();
      SluiceException e = assertThrows(SluiceException.class, () -> LogManager.open(config, clock));
      assertEquals(Errors.KAFKA_STORAGE_ERROR, e.error());
      assertTrue(
          e.getMessage().contains(dir.toAbsolutePath().normalize().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("(pid " + pid + ")"), e.getMessage());
      // The held directory was not loaded, and the free one was unlocked again on the way out.
      assertTrue(first.log(TP).isPresent());
      try (LogManager reopened = LogManager.open(smallConfig(other), clock)) {
        assertTrue(reopened.log(TP).isEmpty());
      }
      assertEquals(1, first.log(TP).orElseThrow().logEndOffset());
    }
    // Closed: the lock is free again, and the file stays (as Kafka leaves it).
    assertTrue(Files.exists(dir.resolve(LogFiles.LOCK)));
    try (LogManager again = LogManager.open(smallConfig(dir), clock)) {
      assertEquals(1, again.log(TP).orElseThrow().logEndOffset());
    }
  }

  @Test
  void open_afterCrash_lockOfDeadHolderIsNoObstacle() {
    LogManager crashed = LogManager.open(smallConfig(dir), clock);
    crashed.createLog(TP).append(TestBatches.batch("a", 2, 1000));
    crashed.crashForTest();
    try (LogManager reopened = LogManager.open(smallConfig(dir), clock)) {
      assertEquals(2, reopened.log(TP).orElseThrow().logEndOffset());
    }
  }
}
