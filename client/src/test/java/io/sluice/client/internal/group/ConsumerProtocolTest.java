package io.sluice.client.internal.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.client.TopicPartition;
import io.sluice.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.junit.jupiter.api.Test;

/** The consumer protocol's bytes, both ways against kafka-clients' {@code ConsumerProtocol}. */
class ConsumerProtocolTest {
  @Test
  void subscription_readByKafka_hasTopicsAndOwnedPartitions() {
    byte[] ours =
        io.sluice.client.internal.group.ConsumerProtocol.subscription(
            List.of("a", "b"), List.of(new TopicPartition("a", 3)));
    ConsumerPartitionAssignor.Subscription theirs =
        ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(ours));
    assertEquals(List.of("a", "b"), theirs.topics());
    assertEquals(
        List.of(new org.apache.kafka.common.TopicPartition("a", 3)), theirs.ownedPartitions());
    assertEquals(3, ByteBuffer.wrap(ours).getShort(), "version prefix");
  }

  @Test
  void subscription_sameAsKafkaBytes() {
    ConsumerPartitionAssignor.Subscription s =
        new ConsumerPartitionAssignor.Subscription(List.of("x"), null, List.of());
    byte[] kafka = bytes(ConsumerProtocol.serializeSubscription(s, (short) 3));
    byte[] ours =
        io.sluice.client.internal.group.ConsumerProtocol.subscription(List.of("x"), List.of());
    assertArrayEquals(kafka, ours);
  }

  @Test
  void assignment_roundTripsThroughKafka() {
    List<TopicPartition> partitions =
        List.of(new TopicPartition("t", 0), new TopicPartition("t", 4), new TopicPartition("u", 1));
    byte[] ours = io.sluice.client.internal.group.ConsumerProtocol.assignment(partitions);
    ConsumerPartitionAssignor.Assignment theirs =
        ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(ours));
    assertEquals(3, theirs.partitions().size());
    byte[] back = bytes(ConsumerProtocol.serializeAssignment(theirs));
    assertArrayEquals(ours, back);
    assertEquals(
        partitions, io.sluice.client.internal.group.ConsumerProtocol.assignedPartitions(back));
  }

  @Test
  void assignedPartitions_fromKafkaVersionZero_areRead() {
    ConsumerPartitionAssignor.Assignment a =
        new ConsumerPartitionAssignor.Assignment(
            List.of(new org.apache.kafka.common.TopicPartition("t", 2)));
    byte[] v0 = bytes(ConsumerProtocol.serializeAssignment(a, (short) 0));
    assertEquals(0, ByteBuffer.wrap(v0).getShort());
    assertEquals(
        List.of(new TopicPartition("t", 2)),
        io.sluice.client.internal.group.ConsumerProtocol.assignedPartitions(v0));
  }

  @Test
  void assignedPartitions_emptyBytes_meanNone() {
    assertEquals(
        List.of(),
        io.sluice.client.internal.group.ConsumerProtocol.assignedPartitions(new byte[0]));
  }

  @Test
  void subscribedTopics_truncatedBytes_failWithProtocolException() {
    byte[] ours =
        io.sluice.client.internal.group.ConsumerProtocol.subscription(List.of("abc"), List.of());
    byte[] cut = java.util.Arrays.copyOf(ours, 5);
    assertThrows(
        ProtocolException.class,
        () -> io.sluice.client.internal.group.ConsumerProtocol.subscribedTopics(cut));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
