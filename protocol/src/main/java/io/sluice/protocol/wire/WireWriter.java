package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes Kafka protocol primitives into a {@link ByteBuf}.
 *
 * <p>In-memory {@link ByteBufRecords} are copied into the buffer. Any other {@link Records} is an
 * external part: the writer closes the current buffer, records the part, and continues in a fresh
 * buffer, so that a message comes out as an ordered list of buffers and external parts (for the
 * broker: response header, file region, bytes between partitions, file region, ...). The size of
 * every part is known, so {@link #sizeInBytes()} gives the frame length before anything is sent.
 *
 * <p>Not thread-safe.
 */
public final class WireWriter {
  private final ByteBufAllocator allocator;
  private final List<FramePart> parts = new ArrayList<>(1);
  private ByteBuf current;

  /** A writer that only accepts in-memory records; everything goes into {@code out}. */
  public WireWriter(ByteBuf out) {
    this.allocator = null;
    this.current = out;
  }

  /** A writer that may split its output around external record parts. */
  public WireWriter(ByteBufAllocator allocator, ByteBuf first) {
    this.allocator = allocator;
    this.current = first;
  }

  /** The buffer currently written to. */
  public ByteBuf buffer() {
    return current;
  }

  public void writeBool(boolean value) {
    current.writeByte(value ? 1 : 0);
  }

  public void writeInt8(byte value) {
    current.writeByte(value);
  }

  public void writeInt16(short value) {
    current.writeShort(value);
  }

  public void writeUint16(int value) {
    current.writeShort(value);
  }

  public void writeInt32(int value) {
    current.writeInt(value);
  }

  public void writeUint32(long value) {
    current.writeInt((int) value);
  }

  public void writeInt64(long value) {
    current.writeLong(value);
  }

  public void writeFloat64(double value) {
    current.writeDouble(value);
  }

  public void writeUuid(UUID value) {
    current.writeLong(value.getMostSignificantBits());
    current.writeLong(value.getLeastSignificantBits());
  }

  public void writeUnsignedVarint(int value) {
    Varints.writeUnsignedVarint(current, value);
  }

  public void writeVarint(int value) {
    Varints.writeVarint(current, value);
  }

  public void writeVarlong(long value) {
    Varints.writeVarlong(current, value);
  }

  private void writeLength(int length, boolean flexible, boolean int16Length) {
    if (flexible) {
      writeUnsignedVarint(length + 1);
    } else if (int16Length) {
      current.writeShort(length);
    } else {
      current.writeInt(length);
    }
  }

  public void writeString(String value, boolean flexible) {
    if (value == null) {
      writeLength(-1, flexible, true);
      return;
    }
    int length = ByteBufUtil.utf8Bytes(value);
    if (!flexible && length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("string of " + length + " bytes exceeds int16 length");
    }
    writeLength(length, flexible, true);
    ByteBufUtil.reserveAndWriteUtf8(current, value, length);
  }

  public void writeBytes(byte[] value, boolean flexible) {
    if (value == null) {
      writeLength(-1, flexible, false);
      return;
    }
    writeLength(value.length, flexible, false);
    current.writeBytes(value);
  }

  public void writeRecords(Records records, boolean flexible) {
    if (records == null) {
      writeLength(-1, flexible, false);
      return;
    }
    writeLength(records.sizeInBytes(), flexible, false);
    if (records instanceof ByteBufRecords inMemory) {
      ByteBuf bytes = inMemory.buf();
      current.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    } else {
      if (allocator == null) {
        throw new IllegalStateException("external records need a writer with an allocator");
      }
      parts.add(new FramePart.Buffer(current));
      parts.add(new FramePart.External(records));
      current = allocator.buffer();
    }
  }

  public void writeArrayCount(int count, boolean flexible) {
    if (flexible) {
      writeUnsignedVarint(count + 1);
    } else {
      current.writeInt(count);
    }
  }

  public void writeRaw(ByteBuf bytes) {
    current.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
  }

  /** Total bytes written so far, buffers and external parts together. */
  public int sizeInBytes() {
    int size = current.readableBytes();
    for (FramePart part : parts) {
      size += part.sizeInBytes();
    }
    return size;
  }

  /**
   * The output in order: buffers (owned by the caller from now on) and external {@link Records}.
   * Without external parts this is a single buffer.
   */
  public List<FramePart> finish() {
    parts.add(new FramePart.Buffer(current));
    current = null;
    return parts;
  }
}
