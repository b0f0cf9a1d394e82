package io.sluice.broker.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  @Test
  void write_thenRead_roundTripsInKafkasTextFormat() throws IOException {
    Path file = dir.resolve("recovery-point-offset-checkpoint");
    Checkpoint.write(
        FileIo.system(),
        file,
        Map.of(new TopicPartition("b-topic", 3), 42L, new TopicPartition("a", 0), 7L));
    assertEquals("0\n2\na 0 7\nb-topic 3 42\n", Files.readString(file, StandardCharsets.UTF_8));
    assertEquals(
        Map.of(new TopicPartition("b-topic", 3), 42L, new TopicPartition("a", 0), 7L),
        Checkpoint.read(file));
  }

  @Test
  void read_missingFile_isEmpty() throws IOException {
    assertEquals(Map.of(), Checkpoint.read(dir.resolve("nope")));
  }

  @Test
  void read_tornOrMalformed_throws() throws IOException {
    Path file = dir.resolve("cp");
    for (String text : new String[] {"", "1\n0\n", "0\n2\na 0 1\n", "0\n1\na zero 1\n", "0\nx\n"}) {
      Files.writeString(file, text);
      assertThrows(IOException.class, () -> Checkpoint.read(file), text);
    }
  }

  @Test
  void write_crashAtEverySyncPoint_leavesOldOrNewNeverTorn() throws IOException {
    Map<TopicPartition, Long> oldOffsets = Map.of(new TopicPartition("t", 0), 10L);
    Map<TopicPartition, Long> newOffsets = Map.of(new TopicPartition("t", 0), 20L);
    for (int n = 1; n <= 3; n++) {
      for (FaultyFileIo.Loss loss : FaultyFileIo.Loss.values()) {
        Path sub = Files.createDirectories(dir.resolve("run-" + n + "-" + loss));
        Path file = sub.resolve("recovery-point-offset-checkpoint");
        Checkpoint.write(FileIo.system(), file, oldOffsets);
        FaultyFileIo io = new FaultyFileIo();
        io.failSync(n);
        try {
          Checkpoint.write(io, file, newOffsets);
        } catch (IOException expected) {
          // crashed at sync point n
        }
        io.simulatePowerLoss(new Random(n), loss);
        Map<TopicPartition, Long> read = Checkpoint.read(file);
        if (!read.equals(oldOffsets) && !read.equals(newOffsets)) {
          throw new AssertionError("sync point " + n + " " + loss + ": torn checkpoint " + read);
        }
      }
    }
  }
}
