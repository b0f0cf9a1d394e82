package io.sluice.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

class WireReaderTest {
  @Test
  void readArrayCount_countLargerThanRemainingBytes_isRejectedBeforeAllocation() {
    ByteBuf buf = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeBytes(new byte[10]);
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> new WireReader(buf).readArrayCount(false));
    assertEquals("array count=2147483647 exceeds remaining bytes=10", e.getMessage());
  }

  @Test
  void readString_lengthPastTheEnd_isRejected() {
    ByteBuf buf = Unpooled.buffer().writeShort(100).writeBytes(new byte[5]);
    assertThrows(ProtocolException.class, () -> new WireReader(buf).readString(false));
  }

  @Test
  void readBytes_negativeLengthBelowMinusOne_isRejected() {
    ByteBuf buf = Unpooled.buffer().writeInt(-2);
    assertThrows(ProtocolException.class, () -> new WireReader(buf).readBytes(false));
  }

  @Test
  void readString_compactNull_isNull() {
    ByteBuf buf = Unpooled.buffer().writeByte(0);
    assertNull(new WireReader(buf).readString(true));
  }

  @Test
  void readRecords_isAViewOfTheFrameNotACopy() {
    ByteBuf buf = Unpooled.buffer().writeInt(3).writeBytes(new byte[] {1, 2, 3});
    ByteBufRecords records = (ByteBufRecords) new WireReader(buf).readRecords(false);
    assertEquals(3, records.sizeInBytes());
    assertSame(buf, records.buf().unwrap());
  }

  @Test
  void writeThenRead_compactString_roundTripsMultiByteCharacters() {
    ByteBuf buf = Unpooled.buffer();
    new WireWriter(buf).writeString("zürich-東京", true);
    assertEquals("zürich-東京", new WireReader(buf).readString(true));
  }
}
