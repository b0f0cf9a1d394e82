package io.sluice.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import java.util.List;

/**
 * Splits a byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes.
 *
 * <pre>
 *  +--------+---------------------------+--------+------------
 *  | size=N |  N bytes (header + body)  | size=M |  M bytes ...
 *  +--------+---------------------------+--------+------------
 *   4 bytes
 * </pre>
 *
 * Each frame is passed on as a retained slice of the cumulation (no copy); the next handler owns it
 * and must release it. A size above {@code maxFrameBytes} fails fast, before a byte of the body is
 * buffered: the decoder raises a {@link ProtocolException} with {@link Errors#MESSAGE_TOO_LARGE},
 * then discards exactly that frame's bytes as they arrive, so the following frame still decodes
 * (what the connection does next is the server's decision; Kafka's is to close it). A negative size
 * can't be skipped: the stream is unframed from there on, so the decoder raises {@link
 * Errors#CORRUPT_MESSAGE} once and discards everything after it.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  public static final int SIZE_PREFIX_BYTES = 4;

  private int maxFrameBytes;
  private long bytesToDiscard;
  private boolean corrupt;

  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes=" + maxFrameBytes + " must be positive");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Changes the largest frame accepted from the next frame on (a SASL listener accepts only small
   * frames until the client has authenticated). Event-loop confined, as the decoder is.
   */
  public void setMaxFrameBytes(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes=" + maxFrameBytes + " must be positive");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (corrupt) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (bytesToDiscard > 0) {
      int skip = (int) Math.min(bytesToDiscard, in.readableBytes());
      in.skipBytes(skip);
      bytesToDiscard -= skip;
      if (bytesToDiscard > 0) {
        return;
      }
    }
    if (in.readableBytes() < SIZE_PREFIX_BYTES) {
      return;
    }
    int size = in.getInt(in.readerIndex());
    if (size < 0) {
      corrupt = true;
      in.skipBytes(in.readableBytes());
      throw new ProtocolException(Errors.CORRUPT_MESSAGE, "negative frame size=" + size);
    }
    if (size > maxFrameBytes) {
      in.skipBytes(SIZE_PREFIX_BYTES);
      int skip = Math.min(size, in.readableBytes());
      in.skipBytes(skip);
      bytesToDiscard = size - skip;
      throw new ProtocolException(
          Errors.MESSAGE_TOO_LARGE, "frame size=" + size + " exceeds maximum=" + maxFrameBytes);
    }
    if (in.readableBytes() < SIZE_PREFIX_BYTES + size) {
      return;
    }
    in.skipBytes(SIZE_PREFIX_BYTES);
    out.add(in.readRetainedSlice(size));
  }
}
