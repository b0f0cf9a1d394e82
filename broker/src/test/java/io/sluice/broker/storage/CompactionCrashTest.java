package io.sluice.broker.storage;

import static io.sluice.broker.storage.CompactionTest.assertLatestPresent;
import static io.sluice.broker.storage.CompactionTest.batch;
import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.Compression;
import io.sluice.testing.ExpectedLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at every file step of a cleaning pass ({@link LogCleaner.Step}, through the cleaner's
 * fault-injection hook), followed by a power loss that keeps only what was fsynced (each of {@link
 * FaultyFileIo.Loss}'s modes in turn): the restarted log is accepted by recovery without
 * truncation, ends where it ended, holds the latest value of every key at its offset, and has no
 * {@code .cleaned} or {@code .swap} file left; a pass after the restart completes the cleaning.
 */
class CompactionCrashTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(CompactionTest.T0);

  private record Filled(
      LogManager manager, Log log, Map<String, Long> offsets, Map<String, String> values) {}

  private Filled fill(Path dir, FileIo io) throws Exception {
    LogManager manager = LogManager.open(smallConfig(dir), clock, io);
    Log log = manager.createLog(TP);
    Map<String, Long> offsets = new HashMap<>();
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      String key = "k" + (i % 25);
      String value = "v" + i + "x".repeat(120);
      offsets.put(
          key, log.append(batch(clock.millis(), Compression.none(), key, value)).firstOffset());
      values.put(key, value);
    }
    log.awaitFlush(log.logEndOffset() - 1).get(10, TimeUnit.SECONDS);
    return new Filled(manager, log, offsets, values);
  }

  @Test
  void crashAtEveryStep_thenPowerLoss_recoveryAcceptsTheLogAndNoLatestValueIsLost()
      throws Exception {
    ExpectedLogs.error(LogDirectory.class, "is offline after an I/O failure");
    ExpectedLogs.warn(LogLoader.class, "deleting orphan index").optional();
    int run = 0;
    for (LogCleaner.Step step : LogCleaner.Step.values()) {
      for (FaultyFileIo.Loss loss : FaultyFileIo.Loss.values()) {
        run++;
        String where = step + " then " + loss;
        Path dir = Files.createDirectories(root.resolve("run-" + run));
        FaultyFileIo io = new FaultyFileIo();
        Filled filled = fill(dir, io);
        long end = filled.log().logEndOffset();
        int[] seen = {0};
        LogCleaner cleaner =
            filled
                .manager()
                .newCleaner(
                    1 << 16,
                    Throttle.unlimited(),
                    (s, base) -> {
                      // The second segment rewritten crashes: the first one has been swapped.
                      if (s == step && ++seen[0] == 2) {
                        throw new IOException("injected crash before " + s);
                      }
                    });
        assertThrows(
            SluiceException.class,
            () ->
                filled
                    .manager()
                    .clean(cleaner, filled.log(), CompactionTest.settings(86_400_000L), true),
            where);
        filled.manager().crashForTest();
        io.simulatePowerLoss(new Random(run), loss);

        LogManager manager = LogManager.open(smallConfig(dir), clock);
        try {
          Log log = manager.log(TP).orElseThrow();
          assertEquals(end, log.logEndOffset(), where);
          assertEquals(0, manager.lastRecovery().bytesTruncated(), where);
          assertLatestPresent(filled.offsets(), filled.values(), log);
          try (Stream<Path> files = Files.list(log.directory)) {
            List<String> leftovers =
                files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap"))
                    .toList();
            assertEquals(List.of(), leftovers, where);
          }
          LogCleaner.Result again =
              manager.clean(
                  manager.newCleaner(1 << 16, Throttle.unlimited(), LogCleaner.NO_HOOK),
                  log,
                  CompactionTest.settings(86_400_000L),
                  true);
          assertTrue(again.mappedEnd() > 0, where);
          assertLatestPresent(filled.offsets(), filled.values(), log);
        } finally {
          manager.close();
        }
      }
    }
  }
}
