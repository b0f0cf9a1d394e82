package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Records held in memory: a view over a readable region of a {@link ByteBuf}, never a copy. The
 * view does not own the buffer; whoever owns the frame it was sliced from keeps it alive while the
 * records are in use.
 */
public final class ByteBufRecords implements Records {
  public static final ByteBufRecords EMPTY = new ByteBufRecords(Unpooled.EMPTY_BUFFER);

  private final ByteBuf buf;

  public ByteBufRecords(ByteBuf buf) {
    this.buf = buf;
  }

  /** The bytes, from the reader index to the writer index. Callers must not move its indexes. */
  public ByteBuf buf() {
    return buf;
  }

  @Override
  public int sizeInBytes() {
    return buf.readableBytes();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteBufRecords other && ByteBufUtil.equals(buf, other.buf);
  }

  @Override
  public int hashCode() {
    return ByteBufUtil.hashCode(buf);
  }

  @Override
  public String toString() {
    return "ByteBufRecords(" + buf.readableBytes() + " bytes)";
  }
}
