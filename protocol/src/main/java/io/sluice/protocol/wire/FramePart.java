package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.util.function.Function;

/**
 * One piece of an encoded message, as {@link WireWriter#finish} hands it out: either bytes in a
 * buffer, or records kept outside the buffers (a file slice on the broker, a producer batch on the
 * client) that the transport writes in their place. The two cases are the only ones; {@link #map}
 * makes every caller handle both.
 *
 * <p>Immutable; the buffer and the records are owned by whoever holds the part.
 */
public sealed interface FramePart permits FramePart.Buffer, FramePart.External {

  /** The bytes this part occupies in the frame. */
  int sizeInBytes();

  /** Applies the function for this part's case. */
  <T> T map(Function<ByteBuf, T> onBuffer, Function<Records, T> onExternal);

  /** Bytes written into a buffer. */
  record Buffer(ByteBuf buf) implements FramePart {
    @Override
    public int sizeInBytes() {
      return buf.readableBytes();
    }

    @Override
    public <T> T map(Function<ByteBuf, T> onBuffer, Function<Records, T> onExternal) {
      return onBuffer.apply(buf);
    }
  }

  /** Records that are not in memory, sent by the transport in their place. */
  record External(Records records) implements FramePart {
    @Override
    public int sizeInBytes() {
      return records.sizeInBytes();
    }

    @Override
    public <T> T map(Function<ByteBuf, T> onBuffer, Function<Records, T> onExternal) {
      return onExternal.apply(records);
    }
  }
}
