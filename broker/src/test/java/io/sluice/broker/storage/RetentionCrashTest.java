package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failure-catalogue item (docs/storage.md, Tests) 4 for retention: a power loss at every sync point
 * of a retention pass (the log-start checkpoint's temp file, rename and directory fsync, the
 * renames to .deleted and their directory fsync). After the restart the log starts at the old or
 * the new log start, never earlier than a start that was made durable, and every offset from there
 * to the end reads back byte for byte.
 */
class RetentionCrashTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  private record Setup(LogManager manager, Log log, List<byte[]> stored) {}

  private Setup fill(Path dir, FileIo io) throws Exception {
    LogConfig config = smallConfig(dir).toBuilder().retentionMs(-1).retentionBytes(20_000).build();
    LogManager manager = LogManager.open(config, clock, io);
    Log log = manager.createLog(TP);
    List<byte[]> stored = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ByteBuffer batch = TestBatches.sized("r" + i, 700, 1000);
      stored.add(TestBatches.withBaseOffset(batch, i));
      log.append(batch);
    }
    log.awaitFlush(59).get(10, TimeUnit.SECONDS);
    return new Setup(manager, log, stored);
  }

  @Test
  void powerLoss_atEverySyncPointOfRetention_logStartOldOrNewAndDataIntact() throws Exception {
    FaultyFileIo probe = new FaultyFileIo();
    Setup probeRun = fill(root.resolve("probe"), probe);
    int before = probe.syncCount();
    probeRun.manager().runRetention();
    long newStart = probeRun.log().logStartOffset();
    int syncPoints = probe.syncCount() - before;
    probeRun.manager().close();
    assertTrue(newStart > 0, "retention removed something");
    assertTrue(syncPoints >= 3, "sync points=" + syncPoints);

    for (int n = 1; n <= syncPoints; n++) {
      Path dir = Files.createDirectories(root.resolve("run-" + n));
      FaultyFileIo io = new FaultyFileIo();
      Setup setup = fill(dir, io);
      io.failSync(n);
      setup.manager().runRetention();
      setup.manager().crashForTest();
      FaultyFileIo.Loss loss = FaultyFileIo.Loss.values()[n % 3];
      io.simulatePowerLoss(new Random(n), loss);

      LogManager manager =
          LogManager.open(
              smallConfig(dir).toBuilder().retentionMs(-1).retentionBytes(20_000).build(), clock);
      try {
        Log log = manager.log(TP).orElseThrow();
        long start = log.logStartOffset();
        String where = "sync point " + n + " (" + loss + ")";
        assertTrue(start == 0 || start == newStart, where + ": start=" + start);
        assertEquals(60, log.logEndOffset(), where);
        List<byte[]> batches = readAllBatches(log, start);
        assertEquals(60 - start, batches.size(), where);
        for (int i = 0; i < batches.size(); i++) {
          assertArrayEquals(setup.stored().get((int) start + i), batches.get(i), where);
        }
      } finally {
        manager.close();
      }
    }
  }
}
