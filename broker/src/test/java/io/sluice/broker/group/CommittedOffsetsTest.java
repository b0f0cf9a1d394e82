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
  void commit_thenReopen_sameOffsetsAndCommitTimes() throws Exception {
    TopicPartition tp = new TopicPartition("orders", 2);
    try (CommittedOffsets offsets = CommittedOffsets.open(dir, () -> 1_234L)) {
      offsets
          .commit("g1", Map.of(tp, new CommittedOffsets.Committed(42, 3, "meta")))
          .get(10, TimeUnit.SECONDS);
      offsets
          .commit("g2", Map.of(tp, new CommittedOffsets.Committed(7, -1, "")))
          .get(10, TimeUnit.SECONDS);
    }
    try (CommittedOffsets reopened = CommittedOffsets.open(dir, () -> 9_999L)) {
      assertEquals(
          Map.of(tp, new CommittedOffsets.Committed(42, 3, "meta", 1_234L)),
          reopened.committed("g1"));
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
  void open_aFormatOneCheckpoint_readWithTheLoadTimeAsCommitTime() throws Exception {
    // What a broker wrote before offsets expired: format 1, no commit times.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
    out.writeInt(0x534C434F);
    out.writeInt(1);
    out.writeInt(1);
    out.writeUTF("g");
    out.writeInt(1);
    out.writeUTF("t");
    out.writeInt(3);
    out.writeLong(17);
    out.writeInt(2);
    out.writeUTF("m");
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    Files.write(dir.resolve(CommittedOffsets.FILE_NAME), bytes.toByteArray());
    try (CommittedOffsets offsets = CommittedOffsets.open(dir, () -> 5_000L)) {
      assertEquals(
          Map.of(new TopicPartition("t", 3), new CommittedOffsets.Committed(17, 2, "m", 5_000L)),
          offsets.committed("g"));
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
