package io.sluice.broker.group;

import io.sluice.broker.storage.TopicPartition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of the records in {@code __consumer_offsets}, in Kafka's own schemas (its
 * {@code OffsetCommitKey}, {@code OffsetCommitValue}, {@code GroupMetadataKey} and {@code
 * GroupMetadataValue}), so that Kafka's tools can read a Sluice offsets topic. Every key and value
 * starts with an int16 schema version; strings are an int16 length and UTF-8 (-1 for null), bytes
 * an int32 length, arrays an int32 count; big-endian.
 *
 * <pre>
 * offset commit key   v1: int16 1 | string group | string topic | int32 partition
 * offset commit value v3: int16 3 | int64 offset | int32 leaderEpoch | string metadata
 *                         | int64 commitTimestamp
 * group key           v2: int16 2 | string group
 * group value         v3: int16 3 | string protocolType | int32 generation | nullable string protocol
 *                         | nullable string leader | int64 currentStateTimestamp | int32 memberCount
 *   per member:           string memberId | nullable string groupInstanceId | string clientId
 *                         | string clientHost | int32 rebalanceTimeout | int32 sessionTimeout
 *                         | bytes subscription | bytes assignment
 * </pre>
 *
 * A record with a key and no value (a tombstone) deletes the key: compaction then drops both. Key
 * version 0 (an older offset key of the same layout) and offset values v0-v3 and group values v0-v3
 * are read; anything else is refused with an {@link IllegalArgumentException}. Stateless.
 */
final class OffsetsRecords {
  static final short OFFSET_KEY_VERSION = 1;
  static final short GROUP_KEY_VERSION = 2;
  static final short OFFSET_VALUE_VERSION = 3;
  static final short GROUP_VALUE_VERSION = 3;

  /** A decoded key: an offset commit's or a group's. */
  sealed interface Key permits OffsetKey, GroupKey {
    String group();
  }

  /** The key of a group's committed offset of one partition. */
  record OffsetKey(String group, TopicPartition partition) implements Key {}

  /** The key of a group's metadata. */
  record GroupKey(String group) implements Key {}

  private OffsetsRecords() {}

  static byte[] offsetKey(String group, TopicPartition partition) {
    return write(
        out -> {
          out.writeShort(OFFSET_KEY_VERSION);
          string(out, group);
          string(out, partition.topic());
          out.writeInt(partition.partition());
        });
  }

  static byte[] offsetValue(CommittedOffsets.Committed committed, long commitTimestamp) {
    return write(
        out -> {
          out.writeShort(OFFSET_VALUE_VERSION);
          out.writeLong(committed.offset());
          out.writeInt(committed.leaderEpoch());
          string(out, committed.metadata() == null ? "" : committed.metadata());
          out.writeLong(commitTimestamp);
        });
  }

  static byte[] groupKey(String group) {
    return write(
        out -> {
          out.writeShort(GROUP_KEY_VERSION);
          string(out, group);
        });
  }

  static byte[] groupValue(GroupSnapshot group, long timestamp) {
    return write(
        out -> {
          out.writeShort(GROUP_VALUE_VERSION);
          string(out, group.protocolType() == null ? "" : group.protocolType());
          out.writeInt(group.generationId());
          string(out, group.protocolName());
          string(out, group.leaderId());
          out.writeLong(timestamp);
          out.writeInt(group.members().size());
          for (GroupSnapshot.MemberSnapshot member : group.members()) {
            string(out, member.memberId());
            string(out, member.groupInstanceId());
            string(out, member.clientId());
            string(out, member.clientHost());
            out.writeInt(member.rebalanceTimeoutMs());
            out.writeInt(member.sessionTimeoutMs());
            bytes(out, member.metadata());
            bytes(out, member.assignment());
          }
        });
  }

  /** Decodes a key; throws {@link IllegalArgumentException} for an unknown version or bad bytes. */
  static Key key(ByteBuffer buf) {
    ByteBuffer in = buf.duplicate();
    try {
      short version = in.getShort();
      Key key =
          switch (version) {
            case 0, 1 ->
                new OffsetKey(
                    requireString(in), new TopicPartition(requireString(in), in.getInt()));
            case 2 -> new GroupKey(requireString(in));
            default ->
                throw new IllegalArgumentException("unknown offsets-topic key version " + version);
          };
      requireEnd(in);
      return key;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated offsets-topic key", e);
    }
  }

  /** Decodes an offset commit value of versions 0-3. */
  static CommittedOffsets.Committed offsetValue(ByteBuffer buf) {
    ByteBuffer in = buf.duplicate();
    try {
      short version = in.getShort();
      if (version < 0 || version > 3) {
        throw new IllegalArgumentException("unknown offset commit value version " + version);
      }
      long offset = in.getLong();
      int leaderEpoch = version >= 3 ? in.getInt() : -1;
      String metadata = requireString(in);
      long commitTimestamp = in.getLong();
      if (version == 1) {
        in.getLong(); // expire timestamp
      }
      requireEnd(in);
      return new CommittedOffsets.Committed(offset, leaderEpoch, metadata, commitTimestamp);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated offset commit value", e);
    }
  }

  /** Decodes a group metadata value of versions 0-3 as the snapshot of {@code group}. */
  static GroupSnapshot groupValue(String group, ByteBuffer buf) {
    ByteBuffer in = buf.duplicate();
    try {
      short version = in.getShort();
      if (version < 0 || version > 3) {
        throw new IllegalArgumentException("unknown group metadata value version " + version);
      }
      String protocolType = requireString(in);
      int generation = in.getInt();
      String protocol = string(in);
      String leader = string(in);
      if (version >= 2) {
        in.getLong(); // current state timestamp
      }
      int count = in.getInt();
      if (count < 0 || count > in.remaining()) {
        throw new IllegalArgumentException("bad member count " + count);
      }
      List<GroupSnapshot.MemberSnapshot> members = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String memberId = requireString(in);
        String instanceId = version >= 3 ? string(in) : null;
        String clientId = requireString(in);
        String clientHost = requireString(in);
        int sessionTimeout;
        int rebalanceTimeout;
        if (version >= 1) {
          rebalanceTimeout = in.getInt();
          sessionTimeout = in.getInt();
        } else {
          sessionTimeout = in.getInt();
          rebalanceTimeout = sessionTimeout;
        }
        byte[] subscription = bytes(in);
        byte[] assignment = bytes(in);
        members.add(
            new GroupSnapshot.MemberSnapshot(
                memberId,
                instanceId,
                clientId,
                clientHost,
                sessionTimeout,
                rebalanceTimeout,
                subscription,
                assignment));
      }
      requireEnd(in);
      return new GroupSnapshot(
          group,
          generation,
          protocolType.isEmpty() ? null : protocolType,
          members.isEmpty() ? null : protocol,
          members.isEmpty() ? null : leader,
          members);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated group metadata value", e);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try {
      writer.write(new DataOutputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeShort(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("string of " + utf8.length + " bytes is too long");
    }
    out.writeShort(utf8.length);
    out.write(utf8);
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    byte[] value = b == null ? new byte[0] : b;
    out.writeInt(value.length);
    out.write(value);
  }

  private static String string(ByteBuffer in) {
    short length = in.getShort();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("bad string length " + length);
    }
    byte[] utf8 = new byte[length];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static String requireString(ByteBuffer in) {
    String s = string(in);
    if (s == null) {
      throw new IllegalArgumentException("null where a string is required");
    }
    return s;
  }

  private static byte[] bytes(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("bad bytes length " + length);
    }
    byte[] b = new byte[length];
    in.get(b);
    return b;
  }

  private static void requireEnd(ByteBuffer in) {
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " unexpected trailing bytes");
    }
  }
}
