package io.sluice.client.internal.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.message.ConsumerProtocolAssignment;
import io.sluice.protocol.message.ConsumerProtocolSubscription;
import io.sluice.protocol.message.Message;
import io.sluice.protocol.wire.WireReader;
import io.sluice.protocol.wire.WireWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The bytes of protocol type {@code consumer}: a subscription is the metadata of a JoinGroup
 * protocol, an assignment is what SyncGroup carries. Both are an int16 version followed by the
 * struct at that version, as Kafka's {@code ConsumerProtocol} writes them:
 *
 * <pre>
 *   0      2
 *   +------+-----------------------------------------+
 *   | ver  | ConsumerProtocolSubscription/Assignment |
 *   +------+-----------------------------------------+
 * </pre>
 *
 * A version newer than this client knows is read as the newest it knows: newer versions only append
 * fields, so the known prefix is valid (Kafka's consumer reads them the same way).
 */
public final class ConsumerProtocol {
  /** The protocol type of consumer groups. */
  public static final String PROTOCOL_TYPE = "consumer";

  private ConsumerProtocol() {}

  /** A subscription at the newest version, with the partitions the member owns now. */
  static byte[] subscription(List<String> topics, List<TopicPartition> owned) {
    List<ConsumerProtocolSubscription.TopicPartition> ownedList = new ArrayList<>();
    byTopic(owned)
        .forEach(
            (topic, numbers) ->
                ownedList.add(
                    new ConsumerProtocolSubscription.TopicPartition()
                        .setTopic(topic)
                        .setPartitions(numbers)));
    ConsumerProtocolSubscription s =
        new ConsumerProtocolSubscription()
            .setTopics(List.copyOf(topics))
            .setOwnedPartitions(ownedList)
            .setUserData(null);
    return write(s, ConsumerProtocolSubscription.HIGHEST_VERSION);
  }

  /** The subscribed topics of a member, from its JoinGroup metadata. */
  public static List<String> subscribedTopics(byte[] bytes) {
    return read(
            bytes, ConsumerProtocolSubscription.HIGHEST_VERSION, ConsumerProtocolSubscription::read)
        .topics();
  }

  /** An assignment at the newest version. */
  static byte[] assignment(List<TopicPartition> partitions) {
    List<ConsumerProtocolAssignment.TopicPartition> list = new ArrayList<>();
    byTopic(partitions)
        .forEach(
            (topic, numbers) ->
                list.add(
                    new ConsumerProtocolAssignment.TopicPartition()
                        .setTopic(topic)
                        .setPartitions(numbers)));
    ConsumerProtocolAssignment a =
        new ConsumerProtocolAssignment().setAssignedPartitions(list).setUserData(null);
    return write(a, ConsumerProtocolAssignment.HIGHEST_VERSION);
  }

  /** The partitions of an assignment; empty bytes (a member the leader left out) mean none. */
  public static List<TopicPartition> assignedPartitions(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return List.of();
    }
    ConsumerProtocolAssignment a =
        read(bytes, ConsumerProtocolAssignment.HIGHEST_VERSION, ConsumerProtocolAssignment::read);
    List<TopicPartition> result = new ArrayList<>();
    for (ConsumerProtocolAssignment.TopicPartition tp : a.assignedPartitions()) {
      for (int p : tp.partitions()) {
        result.add(new TopicPartition(tp.topic(), p));
      }
    }
    return result;
  }

  private static byte[] write(Message message, short version) {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      buf.writeShort(version);
      message.write(new WireWriter(buf), version);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  private static <T> T read(byte[] bytes, short highest, BiFunction<WireReader, Short, T> reader) {
    if (bytes == null || bytes.length < 2) {
      throw new ProtocolException(
          Errors.INCONSISTENT_GROUP_PROTOCOL,
          "consumer protocol bytes too short: length=" + (bytes == null ? -1 : bytes.length));
    }
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      short version = buf.readShort();
      if (version < 0) {
        throw new ProtocolException(
            Errors.INCONSISTENT_GROUP_PROTOCOL, "consumer protocol version=" + version + " < 0");
      }
      return reader.apply(new WireReader(buf), (short) Math.min(version, highest));
    } finally {
      buf.release();
    }
  }

  private static Map<String, List<Integer>> byTopic(List<TopicPartition> partitions) {
    Map<String, List<Integer>> result = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      result.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
    }
    return result;
  }
}
