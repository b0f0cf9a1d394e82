package io.sluice.broker.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's one durable replace: old content or new after any crash, never a mix. */
class DurableFileTest {
  private static final byte[] OLD =
      "old content, longer than the new".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEW = "new content".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void replace_existingFile_newBytesAndNoTempFileLeft() throws IOException {
    Path file = dir.resolve("state");
    DurableFile.replace(file, OLD);

    DurableFile.replace(file, NEW);

    assertArrayEquals(NEW, Files.readAllBytes(file));
    assertFalse(Files.exists(dir.resolve("state" + LogFiles.TEMP_SUFFIX)));
    try (var entries = Files.list(dir)) {
      assertEquals(1, entries.count());
    }
  }

  @Test
  void replace_staleTempFileFromACrash_truncatedAndReplaced() throws IOException {
    Path file = dir.resolve("state");
    Files.write(dir.resolve("state" + LogFiles.TEMP_SUFFIX), OLD);

    DurableFile.replace(file, NEW);

    assertArrayEquals(NEW, Files.readAllBytes(file));
  }

  @Test
  void replace_fsyncFailsAndPowerIsLost_fileHoldsOldOrNewBytes() throws IOException {
    // Sync points of one replace: the temp file, then the directory.
    for (int failingSync = 1; failingSync <= 2; failingSync++) {
      for (long seed = 0; seed < 10; seed++) {
        Path sub = Files.createDirectory(dir.resolve("case-" + failingSync + "-" + seed));
        Path file = sub.resolve("state");
        FaultyFileIo io = new FaultyFileIo();
        DurableFile.replace(io, file, OLD);
        io.failSync(failingSync);

        assertThrows(IOException.class, () -> DurableFile.replace(io, file, NEW));
        io.simulatePowerLoss(new Random(seed), FaultyFileIo.Loss.GARBAGE_TAIL);

        byte[] survived = Files.readAllBytes(file);
        assertTrue(
            Arrays.equals(OLD, survived) || Arrays.equals(NEW, survived),
            "sync " + failingSync + " seed " + seed + ": " + Arrays.toString(survived));
      }
    }
  }
}
