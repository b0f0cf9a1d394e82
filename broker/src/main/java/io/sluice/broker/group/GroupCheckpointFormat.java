package io.sluice.broker.group;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the group checkpoint (layout in {@link GroupStore}). Decoding checks every
 * length and count against the bytes left before allocating, so a damaged file gives an {@link
 * IOException}, never a huge allocation.
 */
final class GroupCheckpointFormat {
  static final int MAGIC = 0x534C4347;
  static final int FORMAT = 1;

  private GroupCheckpointFormat() {}

  static byte[] encode(List<GroupSnapshot> groups) {
    int size = 16;
    for (GroupSnapshot group : groups) {
      size += 24 + length(group.groupId()) + length(group.protocolType());
      size += length(group.protocolName()) + length(group.leaderId());
      for (GroupSnapshot.MemberSnapshot member : group.members()) {
        size += 32 + length(member.memberId()) + length(member.groupInstanceId());
        size += length(member.clientId()) + length(member.clientHost());
        size += member.metadata().length + member.assignment().length;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(MAGIC).putInt(FORMAT).putInt(groups.size());
    for (GroupSnapshot group : groups) {
      putString(out, group.groupId());
      out.putInt(group.generationId());
      putString(out, group.protocolType());
      putString(out, group.protocolName());
      putString(out, group.leaderId());
      out.putInt(group.members().size());
      for (GroupSnapshot.MemberSnapshot member : group.members()) {
        putString(out, member.memberId());
        putString(out, member.groupInstanceId());
        putString(out, member.clientId());
        putString(out, member.clientHost());
        out.putInt(member.sessionTimeoutMs());
        out.putInt(member.rebalanceTimeoutMs());
        putBytes(out, member.metadata());
        putBytes(out, member.assignment());
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    byte[] bytes = new byte[out.position()];
    System.arraycopy(out.array(), 0, bytes, 0, bytes.length);
    return bytes;
  }

  static List<GroupSnapshot> decode(byte[] bytes) throws IOException {
    if (bytes.length < 16) {
      throw new IOException("length=" + bytes.length + " is too short for a checkpoint");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException("crc=" + stored + " computed=" + (int) crc.getValue());
    }
    try {
      int magic = in.getInt();
      int format = in.getInt();
      if (magic != MAGIC || format != FORMAT) {
        throw new IOException(
            "magic=" + magic + " format=" + format + " expected format " + FORMAT);
      }
      int groupCount = count(in, 24);
      List<GroupSnapshot> groups = new ArrayList<>(groupCount);
      for (int g = 0; g < groupCount; g++) {
        String groupId = getString(in);
        int generationId = in.getInt();
        String protocolType = getString(in);
        String protocolName = getString(in);
        String leaderId = getString(in);
        int memberCount = count(in, 32);
        List<GroupSnapshot.MemberSnapshot> members = new ArrayList<>(memberCount);
        for (int m = 0; m < memberCount; m++) {
          members.add(
              new GroupSnapshot.MemberSnapshot(
                  getString(in),
                  getString(in),
                  getString(in),
                  getString(in),
                  in.getInt(),
                  in.getInt(),
                  getBytes(in),
                  getBytes(in)));
        }
        groups.add(
            new GroupSnapshot(
                groupId, generationId, protocolType, protocolName, leaderId, members));
      }
      if (in.hasRemaining()) {
        throw new IOException(in.remaining() + " bytes after the last group");
      }
      return groups;
    } catch (BufferUnderflowException e) {
      throw new IOException("truncated checkpoint", e);
    }
  }

  private static int length(String value) {
    return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void putString(ByteBuffer out, String value) {
    if (value == null) {
      out.putInt(-1);
      return;
    }
    putBytes(out, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void putBytes(ByteBuffer out, byte[] value) {
    out.putInt(value.length);
    out.put(value);
  }

  /** A count of entries of at least {@code minBytes} each, checked against what is left. */
  private static int count(ByteBuffer in, int minBytes) throws IOException {
    int count = in.getInt();
    if (count < 0 || (long) count * minBytes > in.remaining()) {
      throw new IOException("count=" + count + " remaining=" + in.remaining());
    }
    return count;
  }

  private static String getString(ByteBuffer in) throws IOException {
    int length = in.getInt();
    if (length == -1) {
      return null;
    }
    return new String(take(in, length), StandardCharsets.UTF_8);
  }

  private static byte[] getBytes(ByteBuffer in) throws IOException {
    return take(in, in.getInt());
  }

  private static byte[] take(ByteBuffer in, int length) throws IOException {
    if (length < 0 || length > in.remaining()) {
      throw new IOException("length=" + length + " remaining=" + in.remaining());
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }
}
