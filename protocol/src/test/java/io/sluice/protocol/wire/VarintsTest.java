package io.sluice.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintsTest {
  private static final int[] INT_EDGES = {
    0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE
  };
  private static final long[] LONG_EDGES = {
    0, 1, -1, 127, 128, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE
  };

  private static IntStream ints() {
    return IntStream.concat(Arrays.stream(INT_EDGES), new Random(1).ints(10_000));
  }

  private static LongStream longs() {
    return LongStream.concat(Arrays.stream(LONG_EDGES), new Random(2).longs(10_000));
  }

  @Test
  void writeVarint_anyInt_matchesKafkaBytesAndSize() {
    ints()
        .forEach(
            value -> {
              ByteBuf ours = Unpooled.buffer();
              Varints.writeVarint(ours, value);
              ByteBuffer theirs = ByteBuffer.allocate(5);
              ByteUtils.writeVarint(value, theirs);
              assertArrayEquals(
                  Arrays.copyOf(theirs.array(), theirs.position()), ByteBufUtil.getBytes(ours));
              assertEquals(ByteUtils.sizeOfVarint(value), Varints.sizeOfVarint(value));
              assertEquals(value, Varints.readVarint(ours));
            });
  }

  @Test
  void writeUnsignedVarint_anyInt_matchesKafkaBytesAndSize() {
    ints()
        .forEach(
            value -> {
              ByteBuf ours = Unpooled.buffer();
              Varints.writeUnsignedVarint(ours, value);
              ByteBuffer theirs = ByteBuffer.allocate(5);
              ByteUtils.writeUnsignedVarint(value, theirs);
              assertArrayEquals(
                  Arrays.copyOf(theirs.array(), theirs.position()), ByteBufUtil.getBytes(ours));
              assertEquals(
                  ByteUtils.sizeOfUnsignedVarint(value), Varints.sizeOfUnsignedVarint(value));
              assertEquals(value, Varints.readUnsignedVarint(ours));
            });
  }

  @Test
  void writeVarlong_anyLong_matchesKafkaBytesAndSize() {
    longs()
        .forEach(
            value -> {
              ByteBuf ours = Unpooled.buffer();
              Varints.writeVarlong(ours, value);
              ByteBuffer theirs = ByteBuffer.allocate(10);
              ByteUtils.writeVarlong(value, theirs);
              assertArrayEquals(
                  Arrays.copyOf(theirs.array(), theirs.position()), ByteBufUtil.getBytes(ours));
              assertEquals(ByteUtils.sizeOfVarlong(value), Varints.sizeOfVarlong(value));
              assertEquals(value, Varints.readVarlong(ours));
            });
  }

  @Test
  void readUnsignedVarint_sixBytes_isRejected() {
    ByteBuf tooLong = Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1, -1, 1});
    assertThrows(ProtocolException.class, () -> Varints.readUnsignedVarint(tooLong));
  }

  @Test
  void readUnsignedVarint_truncated_isRejected() {
    ByteBuf truncated = Unpooled.wrappedBuffer(new byte[] {-128, -128});
    assertThrows(ProtocolException.class, () -> Varints.readUnsignedVarint(truncated));
  }

  @Test
  void readVarlong_elevenBytes_isRejected() {
    byte[] bytes = new byte[11];
    Arrays.fill(bytes, (byte) -1);
    assertThrows(ProtocolException.class, () -> Varints.readVarlong(Unpooled.wrappedBuffer(bytes)));
  }
}
