package io.sluice.broker.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyOffsetMapTest {
  private static ByteBuffer key(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void put_latestOffsetPerKeyWins_unknownKeyIsMinusOne() {
    KeyOffsetMap map = new KeyOffsetMap(24 * 1000, 0.9);
    for (int i = 0; i < 5000; i++) {
      map.put(key("k" + (i % 300)), i);
    }
    assertEquals(300, map.size());
    for (int k = 0; k < 300; k++) {
      int last = k + 300 * ((4999 - k) / 300);
      assertEquals(last, map.get(key("k" + k)), "k" + k);
    }
    assertEquals(-1, map.get(key("absent")));
    assertEquals(4999, map.lastOffset());
  }

  @Test
  void fixedMemory_fullAtLoadFactor_thenRefusesNewKeysButUpdatesKnownOnes() {
    KeyOffsetMap map = new KeyOffsetMap(24 * 100, 0.5);
    assertEquals(50, map.capacity());
    for (int i = 0; i < 50; i++) {
      assertFalse(map.isFull());
      map.put(key("k" + i), i);
    }
    assertTrue(map.isFull());
    map.put(key("k7"), 99); // an update needs no new slot
    assertEquals(99, map.get(key("k7")));
    assertThrows(IllegalStateException.class, () -> map.put(key("new"), 100));
    map.clear();
    assertEquals(0, map.size());
    assertEquals(-1, map.get(key("k7")));
    assertEquals(-1, map.lastOffset());
  }

  @Test
  void keyBuffer_positionUntouched_emptyKeyIsAKey() {
    KeyOffsetMap map = new KeyOffsetMap(24 * 16, 0.75);
    ByteBuffer k = key("abc");
    k.position(1);
    map.put(k, 5);
    assertEquals(1, k.position());
    assertEquals(5, map.get(key("bc")));
    map.put(ByteBuffer.allocate(0), 6);
    assertEquals(6, map.get(ByteBuffer.allocate(0)));
  }
}
