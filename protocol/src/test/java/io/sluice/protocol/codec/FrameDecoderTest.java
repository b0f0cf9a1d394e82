package io.sluice.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(16));

  @AfterEach
  void finish() {
    assertFalse(channel.finish(), "no frame left unread");
  }

  private static ByteBuf frame(String body) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeInt(body.length());
    buf.writeBytes(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return buf;
  }

  private String readFrame() {
    ByteBuf frame = channel.readInbound();
    try {
      return frame.toString(java.nio.charset.StandardCharsets.US_ASCII);
    } finally {
      frame.release();
    }
  }

  @Test
  void decode_frameArrivingOneByteAtATime_emitsItOnceComplete() {
    ByteBuf whole = frame("hello");
    while (whole.isReadable()) {
      assertNull(channel.readInbound());
      channel.writeInbound(whole.readRetainedSlice(1));
    }
    whole.release();
    assertEquals("hello", readFrame());
  }

  @Test
  void decode_twoFramesInOneRead_emitsBoth() {
    ByteBuf both = Unpooled.wrappedBuffer(frame("one"), frame("two"));
    channel.writeInbound(both);
    assertEquals("one", readFrame());
    assertEquals("two", readFrame());
  }

  @Test
  void decode_emptyFrame_emitsEmptyBuffer() {
    channel.writeInbound(frame(""));
    assertEquals("", readFrame());
  }

  @Test
  void decode_oversizedFrame_failsFastThenNextFrameStillDecodes() {
    ByteBuf head = Unpooled.buffer().writeInt(1000).writeBytes(new byte[10]);
    DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(head));
    assertEquals(Errors.MESSAGE_TOO_LARGE, ((ProtocolException) e.getCause()).error());
    // The remaining 990 bytes of the oversized frame are discarded as they arrive.
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[990]));
    assertNull(channel.readInbound());
    channel.writeInbound(frame("next"));
    assertEquals("next", readFrame());
  }

  @Test
  void decode_frameOfExactlyTheMaximum_isAccepted() {
    channel.writeInbound(frame("0123456789abcdef"));
    assertEquals("0123456789abcdef", readFrame());
  }

  @Test
  void decode_negativeSize_failsAndDiscardsTheRestOfTheStream() {
    ByteBuf bad = Unpooled.buffer().writeInt(-5).writeBytes(new byte[] {1, 2, 3});
    DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(bad));
    assertEquals(Errors.CORRUPT_MESSAGE, ((ProtocolException) e.getCause()).error());
    channel.writeInbound(frame("ignored"));
    assertNull(channel.readInbound());
  }
}
