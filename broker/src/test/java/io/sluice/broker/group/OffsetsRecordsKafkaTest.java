package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.broker.storage.TopicPartition;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.junit.jupiter.api.Test;

/**
 * The records Sluice writes to {@code __consumer_offsets} are the ones Kafka's group coordinator
 * reads (its generated {@code OffsetCommitKey/Value} and {@code GroupMetadataKey/Value}, read as
 * Kafka's record serde does: an int16 record type or version, then the message), and Sluice reads
 * what Kafka writes; the partition of a group is Kafka's; bad bytes are refused with {@link
 * IllegalArgumentException} and nothing else.
 */
class OffsetsRecordsKafkaTest {

  /** Reads a value or key as Kafka does: the version first, then the message at that version. */
  private static <T extends ApiMessage> T kafkaRead(byte[] bytes, T message, boolean key) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    short version = buf.getShort();
    message.read(new ByteBufferAccessor(buf), key ? message.highestSupportedVersion() : version);
    assertEquals(0, buf.remaining(), "every byte read");
    return message;
  }

  @Test
  void offsetCommit_writtenBySluice_readByKafka() {
    TopicPartition tp = new TopicPartition("orders", 7);
    byte[] key = OffsetsRecords.offsetKey("readers", tp);
    assertEquals(1, ByteBuffer.wrap(key).getShort(), "record type 1: offset commit");
    OffsetCommitKey k = kafkaRead(key, new OffsetCommitKey(), true);
    assertEquals("readers", k.group());
    assertEquals("orders", k.topic());
    assertEquals(7, k.partition());

    byte[] value =
        OffsetsRecords.offsetValue(new CommittedOffsets.Committed(1234, 5, "meta"), 1_700_000L);
    OffsetCommitValue v = kafkaRead(value, new OffsetCommitValue(), false);
    assertEquals(1234, v.offset());
    assertEquals(5, v.leaderEpoch());
    assertEquals("meta", v.metadata());
    assertEquals(1_700_000L, v.commitTimestamp());
  }

  @Test
  void offsetCommit_writtenByKafka_readBySluice() {
    for (short version = 0; version <= 3; version++) {
      OffsetCommitValue v =
          new OffsetCommitValue()
              .setOffset(99)
              .setMetadata("m")
              .setCommitTimestamp(5)
              .setLeaderEpoch(version >= 3 ? 4 : -1)
              .setExpireTimestamp(version == 1 ? 10 : -1);
      ByteBuffer bytes = MessageUtil.toVersionPrefixedByteBuffer(version, v);
      CommittedOffsets.Committed read = OffsetsRecords.offsetValue(bytes);
      assertEquals(99, read.offset(), "v" + version);
      assertEquals(version >= 3 ? 4 : -1, read.leaderEpoch());
      assertEquals("m", read.metadata());
    }
    ByteBuffer key =
        MessageUtil.toVersionPrefixedByteBuffer(
            (short) 1, new OffsetCommitKey().setGroup("g").setTopic("t").setPartition(3));
    OffsetsRecords.Key decoded = OffsetsRecords.key(key);
    assertEquals(new OffsetsRecords.OffsetKey("g", new TopicPartition("t", 3)), decoded);
  }

  private static GroupSnapshot snapshot() {
    return new GroupSnapshot(
        "readers",
        12,
        "consumer",
        "range",
        "m-1",
        List.of(
            new GroupSnapshot.MemberSnapshot(
                "m-1",
                null,
                "client-a",
                "/10.0.0.1",
                45000,
                300000,
                new byte[] {1, 2},
                new byte[] {3}),
            new GroupSnapshot.MemberSnapshot(
                "m-2",
                "instance-2",
                "client-b",
                "/10.0.0.2",
                10000,
                60000,
                new byte[0],
                new byte[] {4, 5})));
  }

  @Test
  void groupMetadata_writtenBySluice_readByKafka() {
    byte[] key = OffsetsRecords.groupKey("readers");
    assertEquals(2, ByteBuffer.wrap(key).getShort(), "record type 2: group metadata");
    assertEquals("readers", kafkaRead(key, new GroupMetadataKey(), true).group());

    GroupMetadataValue v =
        kafkaRead(OffsetsRecords.groupValue(snapshot(), 42L), new GroupMetadataValue(), false);
    assertEquals("consumer", v.protocolType());
    assertEquals(12, v.generation());
    assertEquals("range", v.protocol());
    assertEquals("m-1", v.leader());
    assertEquals(42L, v.currentStateTimestamp());
    assertEquals(2, v.members().size());
    GroupMetadataValue.MemberMetadata second = v.members().get(1);
    assertEquals("m-2", second.memberId());
    assertEquals("instance-2", second.groupInstanceId());
    assertEquals("client-b", second.clientId());
    assertEquals("/10.0.0.2", second.clientHost());
    assertEquals(10000, second.sessionTimeout());
    assertEquals(60000, second.rebalanceTimeout());
    assertArrayEquals(new byte[] {4, 5}, second.assignment());
    assertNull(v.members().get(0).groupInstanceId());
    assertArrayEquals(new byte[] {1, 2}, v.members().get(0).subscription());
  }

  @Test
  void groupMetadata_roundTripAndWrittenByKafka() {
    GroupSnapshot original = snapshot();
    GroupSnapshot back =
        OffsetsRecords.groupValue(
            "readers", ByteBuffer.wrap(OffsetsRecords.groupValue(original, 1L)));
    assertEquals(original.generationId(), back.generationId());
    assertEquals(original.protocolName(), back.protocolName());
    assertEquals(original.leaderId(), back.leaderId());
    for (int i = 0; i < 2; i++) {
      GroupSnapshot.MemberSnapshot a = original.members().get(i);
      GroupSnapshot.MemberSnapshot b = back.members().get(i);
      assertEquals(a.memberId(), b.memberId());
      assertEquals(a.groupInstanceId(), b.groupInstanceId());
      assertEquals(a.sessionTimeoutMs(), b.sessionTimeoutMs());
      assertEquals(a.rebalanceTimeoutMs(), b.rebalanceTimeoutMs());
      assertArrayEquals(a.metadata(), b.metadata());
      assertArrayEquals(a.assignment(), b.assignment());
    }
    // An empty group: Kafka writes the protocol type and no protocol or leader.
    GroupMetadataValue empty =
        new GroupMetadataValue().setProtocolType("consumer").setGeneration(3).setMembers(List.of());
    GroupSnapshot read =
        OffsetsRecords.groupValue("g", MessageUtil.toVersionPrefixedByteBuffer((short) 3, empty));
    assertEquals(3, read.generationId());
    assertEquals("consumer", read.protocolType());
    assertNull(read.protocolName());
    assertEquals(0, read.members().size());
    assertInstanceOf(
        OffsetsRecords.GroupKey.class,
        OffsetsRecords.key(
            MessageUtil.toVersionPrefixedByteBuffer(
                (short) 2, new GroupMetadataKey().setGroup("g"))));
  }

  @Test
  void partitionOfAGroup_isKafkas() {
    // Kafka: Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions.
    assertEquals(Math.abs("readers".hashCode()) % 50, OffsetsTopic.partitionFor("readers", 50));
    String minValueHash = "polygenelubricants"; // hashCode() == Integer.MIN_VALUE
    assertEquals(Integer.MIN_VALUE, minValueHash.hashCode());
    assertEquals(0, OffsetsTopic.partitionFor(minValueHash, 50));
  }

  @Test
  void damagedBytes_refusedWithIllegalArgumentOnly() {
    byte[][] samples = {
      OffsetsRecords.offsetKey("g", new TopicPartition("t", 1)),
      OffsetsRecords.offsetValue(new CommittedOffsets.Committed(1, 2, "x"), 3),
      OffsetsRecords.groupKey("g"),
      OffsetsRecords.groupValue(snapshot(), 4)
    };
    Random random = new Random(20261203);
    for (int round = 0; round < 2000; round++) {
      int which = round % samples.length;
      byte[] bytes = samples[which].clone();
      if (random.nextBoolean()) {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      } else {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      try {
        switch (which) {
          case 0, 2 -> OffsetsRecords.key(buf);
          case 1 -> OffsetsRecords.offsetValue(buf);
          default -> OffsetsRecords.groupValue("g", buf);
        }
      } catch (IllegalArgumentException expected) {
        // refused: fine
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> OffsetsRecords.key(ByteBuffer.wrap(new byte[] {0, 9})));
  }
}
