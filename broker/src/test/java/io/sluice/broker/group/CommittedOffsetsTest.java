package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.storage.TopicPartition;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommittedOffsetsTest {
  @TempDir Path dir;

  @Test
  void commit_thenReopen_sameOffsets() throws Exception {
    TopicPartition tp = new TopicPartition("orders", 2);
    try (CommittedOffsets offsets = CommittedOffsets.open(dir)) {
      offsets
          .commit("g1", Map.of(tp, new CommittedOffsets.Committed(42, 3, "meta")))
          .get(10, TimeUnit.SECONDS);
      offsets
          .commit("g2", Map.of(tp, new CommittedOffsets.Committed(7, -1, "")))
          .get(10, TimeUnit.SECONDS);
    }
    try (CommittedOffsets reopened = CommittedOffsets.open(dir)) {
      assertEquals(
          Map.of(tp, new CommittedOffsets.Committed(42, 3, "meta")), reopened.committed("g1"));
      assertEquals(7, reopened.committed("g2").get(tp).offset());
      assertTrue(reopened.committed("unknown").isEmpty());
    }
  }

  @Test
  void commit_futureCompleted_checkpointOnDiskAlready() throws Exception {
    try (CommittedOffsets offsets = CommittedOffsets.open(dir)) {
      offsets
          .commit("g", Map.of(new TopicPartition("t", 0), new CommittedOffsets.Committed(1, 0, "")))
          .get(10, TimeUnit.SECONDS);
      // Without close(): what a crash right after the acknowledgement would leave.
      try (CommittedOffsets other = CommittedOffsets.open(dir)) {
        assertEquals(1, other.committed("g").get(new TopicPartition("t", 0)).offset());
      }
    }
  }

  @Test
  void open_corruptCheckpoint_failsNamingFile() throws Exception {
    try (CommittedOffsets offsets = CommittedOffsets.open(dir)) {
      offsets
          .commit("g", Map.of(new TopicPartition("t", 0), new CommittedOffsets.Committed(1, 0, "")))
          .get(10, TimeUnit.SECONDS);
    }
    Path file = dir.resolve(CommittedOffsets.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[14] ^= 0x40;
    Files.write(file, bytes);
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> CommittedOffsets.open(dir));
    assertTrue(e.getCause().getMessage().contains("corrupt"), e.getCause().getMessage());
  }
}
