package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads Kafka protocol primitives from a {@link ByteBuf}, checking every length and count against
 * the bytes that remain <em>before</em> anything is allocated, so that no input can make a decoder
 * allocate more than the frame it came in. Failures are {@link ProtocolException}s.
 *
 * <p>The {@code flexible} arguments select the encoding of the message version being read: compact
 * (unsigned varint of length + 1) in flexible versions, fixed int16/int32 lengths before.
 *
 * <p>Not thread-safe; one reader decodes one frame.
 */
public final class WireReader {
  private final ByteBuf buf;

  public WireReader(ByteBuf buf) {
    this.buf = buf;
  }

  public ByteBuf buffer() {
    return buf;
  }

  public int remaining() {
    return buf.readableBytes();
  }

  private void require(int bytes, String what) {
    if (bytes < 0 || bytes > buf.readableBytes()) {
      throw new ProtocolException(
          what + " needs " + bytes + " bytes but " + buf.readableBytes() + " remain");
    }
  }

  public boolean readBool() {
    return readInt8() != 0;
  }

  public byte readInt8() {
    require(1, "int8");
    return buf.readByte();
  }

  public short readInt16() {
    require(2, "int16");
    return buf.readShort();
  }

  public int readUint16() {
    require(2, "uint16");
    return buf.readUnsignedShort();
  }

  public int readInt32() {
    require(4, "int32");
    return buf.readInt();
  }

  public long readUint32() {
    require(4, "uint32");
    return buf.readUnsignedInt();
  }

  public long readInt64() {
    require(8, "int64");
    return buf.readLong();
  }

  public double readFloat64() {
    require(8, "float64");
    return buf.readDouble();
  }

  public UUID readUuid() {
    require(16, "uuid");
    return new UUID(buf.readLong(), buf.readLong());
  }

  public int readUnsignedVarint() {
    return Varints.readUnsignedVarint(buf);
  }

  public int readVarint() {
    return Varints.readVarint(buf);
  }

  public long readVarlong() {
    return Varints.readVarlong(buf);
  }

  /** Length of a string, bytes or records field; -1 means null. */
  private int readLength(boolean flexible, boolean int16Length, String what) {
    int length;
    if (flexible) {
      length = readUnsignedVarint() - 1;
    } else {
      length = int16Length ? readInt16() : readInt32();
    }
    if (length < -1) {
      throw new ProtocolException("negative " + what + " length=" + length);
    }
    if (length > 0) {
      require(length, what);
    }
    return length;
  }

  /** A string, or null if the encoded length is -1 (callers check nullability). */
  public String readString(boolean flexible) {
    int length = readLength(flexible, true, "string");
    if (length < 0) {
      return null;
    }
    String s = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
    buf.skipBytes(length);
    return s;
  }

  public byte[] readBytes(boolean flexible) {
    int length = readLength(flexible, false, "bytes");
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    buf.readBytes(bytes);
    return bytes;
  }

  /** A view over the records bytes of this frame (no copy), or null. */
  public Records readRecords(boolean flexible) {
    int length = readLength(flexible, false, "records");
    if (length < 0) {
      return null;
    }
    return new ByteBufRecords(buf.readSlice(length));
  }

  /**
   * The element count of an array, -1 for null. Each element takes at least one byte, so a count
   * larger than the remaining bytes is rejected before any list is sized from it.
   */
  public int readArrayCount(boolean flexible) {
    int count = flexible ? readUnsignedVarint() - 1 : readInt32();
    if (count < -1) {
      throw new ProtocolException("negative array count=" + count);
    }
    if (count > buf.readableBytes()) {
      throw new ProtocolException(
          "array count=" + count + " exceeds remaining bytes=" + buf.readableBytes());
    }
    return count;
  }

  public void skip(int bytes) {
    require(bytes, "skipped field");
    buf.skipBytes(bytes);
  }

  /** Fails unless the value is non-null; used where the schema does not allow null. */
  public static <T> T requireNonNull(T value, String field) {
    if (value == null) {
      throw new ProtocolException("null value for non-nullable field " + field);
    }
    return value;
  }
}
