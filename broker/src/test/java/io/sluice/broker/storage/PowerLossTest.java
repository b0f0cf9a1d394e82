package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failure-catalogue item (docs/storage.md, Tests) 2: a simulated power loss at every fsync point of
 * a short produce run. With {@code acks=all} (wait for the flush) nothing acknowledged is lost;
 * with {@code acks=1} the loss is confined to data after the last completed flush and the log ends
 * on a batch boundary. In both cases what survives is a prefix of what was sent, byte for byte.
 */
class PowerLossTest {
  private static final int BATCHES = 24; // about 34 KB: the 16 KiB segments roll twice
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  /** The outcome of one run: stored bytes of every batch sent, and how many were acknowledged. */
  private record Run(List<byte[]> sent, int acked) {}

  private Run produce(LogConfig config, FileIo io, boolean acksAll) {
    List<byte[]> sent = new ArrayList<>();
    int acked = 0;
    LogManager manager;
    try {
      manager = LogManager.open(config, clock, io);
    } catch (RuntimeException e) {
      return new Run(sent, 0);
    }
    try {
      Log log = manager.createLog(TP);
      for (int i = 0; i < BATCHES; i++) {
        ByteBuffer batch = TestBatches.sized("b" + i, 300 + 97 * i, 1000 + i);
        byte[] stored = TestBatches.withBaseOffset(batch, i);
        AppendResult result = log.append(batch);
        sent.add(stored);
        if (acksAll || i % 4 == 3) { // acks=1 flushes now and then (the interval flush)
          log.awaitFlush(result.lastOffset()).get(10, TimeUnit.SECONDS);
        }
        acked = acksAll ? i + 1 : (i % 4 == 3 ? i + 1 : acked);
      }
    } catch (Exception e) {
      // The machine lost power somewhere in here.
    } finally {
      manager.crashForTest();
    }
    return new Run(sent, acked);
  }

  private void powerLossAtEverySyncPoint(boolean acksAll) throws Exception {
    Path probeDir = root.resolve("probe");
    FaultyFileIo probe = new FaultyFileIo();
    Run full = produce(smallConfig(probeDir), probe, acksAll);
    assertEquals(BATCHES, full.acked());
    int syncPoints = probe.syncCount();
    assertTrue(syncPoints > BATCHES / 4, "sync points=" + syncPoints);

    for (int n = 1; n <= syncPoints; n++) {
      Path dir = root.resolve("run-" + n);
      Files.createDirectories(dir);
      LogConfig config = smallConfig(dir);
      FaultyFileIo io = new FaultyFileIo();
      io.failSync(n);
      Run run = produce(config, io, acksAll);
      FaultyFileIo.Loss loss = FaultyFileIo.Loss.values()[n % 3];
      io.simulatePowerLoss(new Random(n), loss);

      LogManager manager = LogManager.open(config, clock);
      try {
        Optional<Log> recovered = manager.log(TP);
        if (run.acked() > 0) {
          assertTrue(recovered.isPresent(), "sync point " + n + ": partition lost");
        }
        List<byte[]> batches = recovered.map(log -> readAllBatches(log, 0)).orElse(List.of());
        String where = "sync point " + n + " (" + loss + ")";
        assertTrue(
            batches.size() >= run.acked(),
            where + ": acked " + run.acked() + " but recovered " + batches.size());
        assertTrue(batches.size() <= run.sent().size(), where);
        for (int i = 0; i < batches.size(); i++) {
          assertArrayEquals(run.sent().get(i), batches.get(i), where + ", batch " + i);
        }
        if (recovered.isPresent()) {
          Log log = recovered.get();
          assertEquals(batches.size(), log.logEndOffset(), where);
          assertEquals(
              batches.size(), log.append(TestBatches.batch("after", 1, 5000)).firstOffset(), where);
        }
      } finally {
        manager.close();
      }
    }
  }

  @Test
  void powerLoss_atEveryFsyncPoint_acksAll_losesNothingAcknowledged() throws Exception {
    powerLossAtEverySyncPoint(true);
  }

  @Test
  void powerLoss_atEveryFsyncPoint_acksOne_losesOnlyUnflushedSuffix() throws Exception {
    powerLossAtEverySyncPoint(false);
  }

  @Test
  void powerLoss_withoutAnyFsync_keepsAPrefixEndingOnABatchBoundary() throws IOException {
    Path dir = root.resolve("nosync");
    FaultyFileIo io = new FaultyFileIo();
    LogManager manager = LogManager.open(smallConfig(dir), clock, io);
    Log log = manager.createLog(TP);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ByteBuffer batch = TestBatches.sized("n" + i, 500, 1000);
      sent.add(TestBatches.withBaseOffset(batch, i));
      log.append(batch);
    }
    manager.crashForTest();
    io.simulatePowerLoss(new Random(3), FaultyFileIo.Loss.RANDOM_PREFIX);
    manager = LogManager.open(smallConfig(dir), clock);
    Log recovered = manager.log(TP).orElseThrow();
    List<byte[]> batches = readAllBatches(recovered, 0);
    for (int i = 0; i < batches.size(); i++) {
      assertArrayEquals(sent.get(i), batches.get(i));
    }
    long size = Files.size(dir.resolve("orders-0").resolve(LogFiles.logName(0)));
    long expected = batches.stream().mapToLong(b -> b.length).sum();
    assertEquals(expected, size, "the log ends on a batch boundary");
    manager.close();
  }
}
