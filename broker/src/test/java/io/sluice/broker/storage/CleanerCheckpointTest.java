package io.sluice.broker.storage;

import static io.sluice.broker.storage.CompactionTest.T0;
import static io.sluice.broker.storage.CompactionTest.batch;
import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.Compression;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner's {@code cleaner-offset-checkpoint} (Kafka's name and text format): after a pass it
 * holds where the next pass of each log starts; a restart reads it back, so what was cleaned is not
 * cleaned again; an offset beyond the log's end is not trusted; a deleted topic leaves it.
 */
class CleanerCheckpointTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  LogManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private static final CompactionSettings SETTINGS = new CompactionSettings(86_400_000L, 0, 0.5);

  /** Enough keyed batches over ten keys to fill several 16 KiB segments. */
  private void fill(Log log, int batches) {
    for (int i = 0; i < batches; i++) {
      log.append(
          batch(clock.millis(), Compression.none(), "k" + (i % 10), "v" + i + "x".repeat(200)));
    }
    clock.advance(1000);
  }

  private String checkpoint() throws Exception {
    return Files.readString(dir.resolve("cleaner-offset-checkpoint"), StandardCharsets.UTF_8);
  }

  @Test
  void aPassIsCheckpointed_aRestartStartsWhereItEnded_andDeletionDropsTheEntry() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    fill(log, 300);
    LogCleaner cleaner = manager.newCleaner(1 << 16, Throttle.unlimited(), LogCleaner.NO_HOOK);
    LogCleaner.Result first = manager.clean(cleaner, log, SETTINGS, false);
    assertTrue(first.mappedEnd() > 0 && first.batchesRemoved() > 0, first.toString());
    assertEquals("0\n1\norders 0 " + first.mappedEnd() + "\n", checkpoint());

    manager.close();
    manager = LogManager.open(smallConfig(dir), clock);
    assertEquals(first.mappedEnd(), manager.firstDirtyOffset(TP));
    Log reopened = manager.log(TP).orElseThrow();
    cleaner = manager.newCleaner(1 << 16, Throttle.unlimited(), LogCleaner.NO_HOOK);
    // Nothing new since the pass before the restart: nothing to clean (from 0 it would clean).
    assertEquals(0.0, cleaner.dirtyRatio(reopened, SETTINGS));
    assertEquals(LogCleaner.Result.NOTHING, manager.clean(cleaner, reopened, SETTINGS, false));

    // More records: the next pass starts at the checkpointed offset.
    fill(reopened, 300);
    LogCleaner.Result second = manager.clean(cleaner, reopened, SETTINGS, false);
    assertEquals(first.mappedEnd(), second.firstDirtyOffset());
    assertTrue(second.mappedEnd() > first.mappedEnd());
    assertEquals("0\n1\norders 0 " + second.mappedEnd() + "\n", checkpoint());

    manager.deleteTopic(TP.topic());
    assertEquals("0\n0\n", checkpoint());
  }

  @Test
  void anOffsetBeyondTheLogsEndIsNotTrusted() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    fill(log, 50);
    long end = log.logEndOffset();
    manager.close();
    Files.writeString(
        dir.resolve("cleaner-offset-checkpoint"), "0\n1\norders 0 " + (end + 100) + "\n");
    manager = LogManager.open(smallConfig(dir), clock);
    assertEquals(0, manager.firstDirtyOffset(TP));
  }
}
