package io.sluice.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

/** The ByteBuffer overloads against Kafka's ByteUtils and against our own ByteBuf methods. */
class VarintsByteBufferTest {
  private static final int[] INTS = {
    0, 1, -1, 63, -64, 64, -65, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE, 300, -300
  };
  private static final long[] LONGS = {
    0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 35, -(1L << 35), Integer.MAX_VALUE + 1L
  };

  @Test
  void writeVarint_sameBytesAsKafkaAndByteBuf_readsBack() {
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      int value = i < INTS.length ? INTS[i] : random.nextInt() >> random.nextInt(32);
      ByteBuffer ours = ByteBuffer.allocate(5);
      Varints.writeVarint(ours, value);
      ByteBuffer kafka = ByteBuffer.allocate(5);
      ByteUtils.writeVarint(value, kafka);
      ByteBuf netty = Unpooled.buffer(5);
      try {
        Varints.writeVarint(netty, value);
        assertEquals(kafka.flip(), ours.flip(), "value " + value);
        assertEquals(netty.nioBuffer(), ours);
        assertEquals(Varints.sizeOfVarint(value), ours.remaining());
        assertEquals(value, Varints.readVarint(ours));
        assertEquals(0, ours.remaining());
      } finally {
        netty.release();
      }
    }
  }

  @Test
  void writeVarlong_sameBytesAsKafka_readsBack() {
    Random random = new Random(2);
    for (int i = 0; i < 10_000; i++) {
      long value = i < LONGS.length ? LONGS[i] : random.nextLong() >> random.nextInt(64);
      ByteBuffer ours = ByteBuffer.allocate(10);
      Varints.writeVarlong(ours, value);
      ByteBuffer kafka = ByteBuffer.allocate(10);
      ByteUtils.writeVarlong(value, kafka);
      assertEquals(kafka.flip(), ours.flip(), "value " + value);
      assertEquals(Varints.sizeOfVarlong(value), ours.remaining());
      assertEquals(value, Varints.readVarlong(ours));
    }
  }

  @Test
  void unsignedVarint_roundTrip_advancesPosition() {
    ByteBuffer buf = ByteBuffer.allocate(20);
    Varints.writeUnsignedVarint(buf, -1);
    Varints.writeUnsignedVarlong(buf, -1L);
    assertEquals(15, buf.position());
    buf.flip();
    assertEquals(-1, Varints.readUnsignedVarint(buf));
    assertEquals(5, buf.position());
    assertEquals(-1L, Varints.readUnsignedVarlong(buf));
    assertEquals(15, buf.position());
  }

  @Test
  void readVarint_truncatedOrOverlong_protocolException() {
    assertThrows(ProtocolException.class, () -> Varints.readVarint(ByteBuffer.allocate(0)));
    byte[] continued = {(byte) 0x80, (byte) 0x80};
    assertThrows(ProtocolException.class, () -> Varints.readVarint(ByteBuffer.wrap(continued)));
    byte[] sixBytes = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x8f, 0x01};
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Varints.readVarint(ByteBuffer.wrap(sixBytes)));
    assertEquals("varint longer than 5 bytes at position=5", e.getMessage());
    byte[] overflow = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x1f};
    assertThrows(ProtocolException.class, () -> Varints.readVarint(ByteBuffer.wrap(overflow)));
    byte[] elevenBytes = new byte[11];
    java.util.Arrays.fill(elevenBytes, (byte) 0xff);
    assertThrows(ProtocolException.class, () -> Varints.readVarlong(ByteBuffer.wrap(elevenBytes)));
    // The limit bounds the read even when the backing array has more bytes.
    ByteBuffer limited = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x01}).limit(1);
    assertThrows(ProtocolException.class, () -> Varints.readVarint(limited));
  }

  @Test
  void readAt_absoluteIndex_valueAndNextIndexWithoutMovingBuffer() {
    Random random = new Random(3);
    ByteBuffer buf = ByteBuffer.allocate(20);
    for (int i = 0; i < 10_000; i++) {
      int value = i < INTS.length ? INTS[i] : random.nextInt() >> random.nextInt(32);
      long longValue = i < LONGS.length ? LONGS[i] : random.nextLong() >> random.nextInt(64);
      buf.clear().position(3);
      Varints.writeVarint(buf, value);
      int longStart = buf.position();
      Varints.writeVarlong(buf, longValue);
      int end = buf.position();
      buf.position(0);
      long packed = Varints.readVarintAt(buf, 3, end);
      assertEquals(value, (int) packed);
      assertEquals(longStart, (int) (packed >>> 32));
      assertEquals(end, Varints.varlongEnd(buf, longStart, end));
      assertEquals(longValue, Varints.readVarlongAt(buf, longStart, end));
      assertEquals(0, buf.position());
    }
  }

  @Test
  void readAt_limitCutsVarint_protocolException() {
    ByteBuffer buf = ByteBuffer.allocate(16);
    Varints.writeVarint(buf, Integer.MIN_VALUE); // bytes 0-4
    Varints.writeVarlong(buf, 1L << 40); // bytes 5-10; the limits below cut it at 7
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Varints.readVarintAt(buf, 0, 4));
    assertEquals("truncated varint at position=0", e.getMessage());
    assertThrows(ProtocolException.class, () -> Varints.varlongEnd(buf, 5, 7));
    assertThrows(ProtocolException.class, () -> Varints.readVarlongAt(buf, 5, 7));
    assertEquals(Integer.MIN_VALUE, (int) Varints.readVarintAt(buf, 0, 5));
  }
}
