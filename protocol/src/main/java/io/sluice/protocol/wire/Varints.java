package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Kafka's variable-length integers over a {@link ByteBuf}: unsigned varints (protobuf base-128,
 * little-endian groups of seven bits) and zig-zag encoded signed varints and varlongs.
 *
 * <p>Readers advance the buffer's reader index and fail with {@link ProtocolException} on a
 * truncated or over-long encoding; they never read past {@code writerIndex}.
 *
 * <p>The {@link ByteBuffer} overloads serve the record format (which is read over NIO buffers by
 * storage code that does not use Netty). They advance the buffer's position, never read past its
 * {@code limit}, and fail the same way: a {@link ProtocolException}, never a {@code
 * BufferUnderflowException}. Writers require the room to be there ({@link #sizeOfVarint} tells how
 * much) and otherwise throw {@code BufferOverflowException} like any relative put.
 */
public final class Varints {
  private Varints() {}

  public static int readUnsignedVarint(ByteBuf buf) {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!buf.isReadable()) {
        throw new ProtocolException("truncated varint at index=" + buf.readerIndex());
      }
      byte b = buf.readByte();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 28 && (b & 0xf0) != 0) {
          throw new ProtocolException("varint overflows 32 bits at index=" + buf.readerIndex());
        }
        return value;
      }
    }
    throw new ProtocolException("varint longer than 5 bytes at index=" + buf.readerIndex());
  }

  public static long readUnsignedVarlong(ByteBuf buf) {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!buf.isReadable()) {
        throw new ProtocolException("truncated varlong at index=" + buf.readerIndex());
      }
      byte b = buf.readByte();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && (b & 0x7e) != 0) {
          throw new ProtocolException("varlong overflows 64 bits at index=" + buf.readerIndex());
        }
        return value;
      }
    }
    throw new ProtocolException("varlong longer than 10 bytes at index=" + buf.readerIndex());
  }

  /** A zig-zag encoded signed 32-bit varint. */
  public static int readVarint(ByteBuf buf) {
    int raw = readUnsignedVarint(buf);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A zig-zag encoded signed 64-bit varlong. */
  public static long readVarlong(ByteBuf buf) {
    long raw = readUnsignedVarlong(buf);
    return (raw >>> 1) ^ -(raw & 1);
  }

  public static void writeUnsignedVarint(ByteBuf buf, int value) {
    while ((value & 0xffffff80) != 0) {
      buf.writeByte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    buf.writeByte(value);
  }

  public static void writeUnsignedVarlong(ByteBuf buf, long value) {
    while ((value & 0xffffffffffffff80L) != 0) {
      buf.writeByte(((int) value & 0x7f) | 0x80);
      value >>>= 7;
    }
    buf.writeByte((int) value);
  }

  public static void writeVarint(ByteBuf buf, int value) {
    writeUnsignedVarint(buf, (value << 1) ^ (value >> 31));
  }

  public static void writeVarlong(ByteBuf buf, long value) {
    writeUnsignedVarlong(buf, (value << 1) ^ (value >> 63));
  }

  public static int sizeOfUnsignedVarint(int value) {
    int leadingZeros = Integer.numberOfLeadingZeros(value);
    // ceil((32 - leadingZeros) / 7), at least 1
    return leadingZeros == 32 ? 1 : (38 - leadingZeros) / 7;
  }

  public static int sizeOfUnsignedVarlong(long value) {
    int leadingZeros = Long.numberOfLeadingZeros(value);
    return leadingZeros == 64 ? 1 : (70 - leadingZeros) / 7;
  }

  public static int sizeOfVarint(int value) {
    return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
  }

  public static int sizeOfVarlong(long value) {
    return sizeOfUnsignedVarlong((value << 1) ^ (value >> 63));
  }

  // ByteBuffer overloads, relative to position() and bounded by limit().

  public static int readUnsignedVarint(ByteBuffer buf) {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!buf.hasRemaining()) {
        throw new ProtocolException("truncated varint at position=" + buf.position());
      }
      byte b = buf.get();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 28 && (b & 0xf0) != 0) {
          throw new ProtocolException("varint overflows 32 bits at position=" + buf.position());
        }
        return value;
      }
    }
    throw new ProtocolException("varint longer than 5 bytes at position=" + buf.position());
  }

  public static long readUnsignedVarlong(ByteBuffer buf) {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!buf.hasRemaining()) {
        throw new ProtocolException("truncated varlong at position=" + buf.position());
      }
      byte b = buf.get();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && (b & 0x7e) != 0) {
          throw new ProtocolException("varlong overflows 64 bits at position=" + buf.position());
        }
        return value;
      }
    }
    throw new ProtocolException("varlong longer than 10 bytes at position=" + buf.position());
  }

  /** A zig-zag encoded signed 32-bit varint. */
  public static int readVarint(ByteBuffer buf) {
    int raw = readUnsignedVarint(buf);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A zig-zag encoded signed 64-bit varlong. */
  public static long readVarlong(ByteBuffer buf) {
    long raw = readUnsignedVarlong(buf);
    return (raw >>> 1) ^ -(raw & 1);
  }

  public static void writeUnsignedVarint(ByteBuffer buf, int value) {
    while ((value & 0xffffff80) != 0) {
      buf.put((byte) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    buf.put((byte) value);
  }

  public static void writeUnsignedVarlong(ByteBuffer buf, long value) {
    while ((value & 0xffffffffffffff80L) != 0) {
      buf.put((byte) (((int) value & 0x7f) | 0x80));
      value >>>= 7;
    }
    buf.put((byte) value);
  }

  public static void writeVarint(ByteBuffer buf, int value) {
    writeUnsignedVarint(buf, (value << 1) ^ (value >> 31));
  }

  public static void writeVarlong(ByteBuffer buf, long value) {
    writeUnsignedVarlong(buf, (value << 1) ^ (value >> 63));
  }

  // Absolute ByteBuffer reads: for parsers that walk a buffer by index (record batches) and must
  // not move, or duplicate, a shared buffer. Each is bounded by an explicit limit.

  /**
   * Reads a zig-zag varint at {@code index}, not reading at or past {@code limit}. Returns two ints
   * in one long: the value in the low 32 bits ({@code (int) r}) and the index after the varint in
   * the high 32 bits ({@code (int) (r >>> 32)}).
   */
  public static long readVarintAt(ByteBuffer buf, int index, int limit) {
    int raw = 0;
    int i = index;
    for (int shift = 0; shift < 35; shift += 7) {
      if (i >= limit) {
        throw new ProtocolException("truncated varint at position=" + index);
      }
      byte b = buf.get(i++);
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 28 && (b & 0xf0) != 0) {
          throw new ProtocolException("varint overflows 32 bits at position=" + index);
        }
        int value = (raw >>> 1) ^ -(raw & 1);
        return ((long) i << 32) | (value & 0xffffffffL);
      }
    }
    throw new ProtocolException("varint longer than 5 bytes at position=" + index);
  }

  /** The index after the varlong at {@code index}, checking it as {@link #readVarlongAt} does. */
  public static int varlongEnd(ByteBuffer buf, int index, int limit) {
    int i = index;
    for (int shift = 0; shift < 70; shift += 7) {
      if (i >= limit) {
        throw new ProtocolException("truncated varlong at position=" + index);
      }
      byte b = buf.get(i++);
      if ((b & 0x80) == 0) {
        if (shift == 63 && (b & 0x7e) != 0) {
          throw new ProtocolException("varlong overflows 64 bits at position=" + index);
        }
        return i;
      }
    }
    throw new ProtocolException("varlong longer than 10 bytes at position=" + index);
  }

  /** Reads a zig-zag varlong at {@code index}, not reading at or past {@code limit}. */
  public static long readVarlongAt(ByteBuffer buf, int index, int limit) {
    long raw = 0;
    int i = index;
    for (int shift = 0; shift < 70; shift += 7) {
      if (i >= limit) {
        throw new ProtocolException("truncated varlong at position=" + index);
      }
      byte b = buf.get(i++);
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && (b & 0x7e) != 0) {
          throw new ProtocolException("varlong overflows 64 bits at position=" + index);
        }
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new ProtocolException("varlong longer than 10 bytes at position=" + index);
  }
}
