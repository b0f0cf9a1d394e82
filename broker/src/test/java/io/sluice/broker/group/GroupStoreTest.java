package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ExpectedLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupStoreTest {
  @TempDir Path dir;

  private static GroupSnapshot snapshot(String groupId, int generation) {
    return new GroupSnapshot(
        groupId,
        generation,
        "consumer",
        "range",
        "m-1",
        List.of(
            new GroupSnapshot.MemberSnapshot(
                "m-1",
                null,
                "client",
                "/127.0.0.1",
                45_000,
                300_000,
                new byte[] {1, 2},
                new byte[] {3}),
            new GroupSnapshot.MemberSnapshot(
                "m-2", "host-b", "cliënt", "", 10_000, 10_000, new byte[0], new byte[] {4, 5, 6})));
  }

  @Test
  void save_thenReopen_everyFieldRestored() throws Exception {
    try (GroupStore store = GroupStore.open(dir)) {
      store.save(snapshot("a", 7)).get();
      store.save(new GroupSnapshot("b", 2, "consumer", null, null, List.of())).get();
    }

    try (GroupStore reopened = GroupStore.open(dir)) {
      List<GroupSnapshot> groups =
          reopened.groups().stream().sorted((x, y) -> x.groupId().compareTo(y.groupId())).toList();
      assertEquals(2, groups.size());
      GroupSnapshot a = groups.get(0);
      assertEquals(7, a.generationId());
      assertEquals("range", a.protocolName());
      assertEquals("m-1", a.leaderId());
      assertNull(a.members().get(0).groupInstanceId());
      assertEquals("host-b", a.members().get(1).groupInstanceId());
      assertEquals("cliënt", a.members().get(1).clientId());
      assertEquals(300_000, a.members().get(0).rebalanceTimeoutMs());
      assertArrayEquals(new byte[] {1, 2}, a.members().get(0).metadata());
      assertArrayEquals(new byte[] {4, 5, 6}, a.members().get(1).assignment());
      assertNull(groups.get(1).protocolName());
      assertEquals(0, groups.get(1).members().size());
    }
  }

  @Test
  void save_sameGroupTwice_latestWins() throws Exception {
    try (GroupStore store = GroupStore.open(dir)) {
      store.save(snapshot("a", 1));
      store.save(snapshot("a", 2)).get();
    }
    try (GroupStore reopened = GroupStore.open(dir)) {
      assertEquals(2, reopened.groups().iterator().next().generationId());
    }
  }

  @Test
  void open_corruptCheckpoint_movedAsideAndStartsEmpty() throws Exception {
    ExpectedLogs.warn(GroupStore.class, "is unreadable");
    try (GroupStore store = GroupStore.open(dir)) {
      store.save(snapshot("a", 1)).get();
    }
    Path file = dir.resolve(GroupStore.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[20] ^= 0x01;
    Files.write(file, bytes);

    try (GroupStore reopened = GroupStore.open(dir)) {
      assertEquals(0, reopened.groups().size());
    }
    assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(GroupStore.FILE_NAME + ".corrupt")));
  }

  @Test
  void decode_everyTruncation_ioExceptionNeverAnotherFailure() {
    byte[] bytes = GroupCheckpointFormat.encode(List.of(snapshot("a", 1), snapshot("b", 2)));
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThrows(IOException.class, () -> GroupCheckpointFormat.decode(truncated), "" + length);
    }
  }

  @Test
  void decode_mutatedBytesWithValidCrc_ioExceptionNeverAnotherFailure() {
    Random random = new Random(42);
    byte[] bytes = GroupCheckpointFormat.encode(List.of(snapshot("a", 1)));
    int tried = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] mutated = bytes.clone();
      int position = 8 + random.nextInt(mutated.length - 12);
      mutated[position] = (byte) random.nextInt(256);
      fixCrc(mutated);
      try {
        GroupCheckpointFormat.decode(mutated);
      } catch (IOException expected) {
        tried++;
      }
    }
    assertTrue(tried > 0, "some mutations must be rejected");
  }

  @Test
  void encode_groupIdWithMultibyteCharacters_roundTrips() throws Exception {
    String id = "grüppe-" + "€".repeat(30_000);
    byte[] bytes =
        GroupCheckpointFormat.encode(
            List.of(new GroupSnapshot(id, 1, "consumer", null, null, List.of())));
    assertEquals(id, GroupCheckpointFormat.decode(bytes).get(0).groupId());
    assertTrue(bytes.length > id.getBytes(StandardCharsets.UTF_8).length);
  }

  private static void fixCrc(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
  }
}
