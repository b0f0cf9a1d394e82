package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak guard that other tests rely on does see a leaked buffer. */
class LeakGuardTest {
  @Test
  void leaks_bufferNeverReleased_reported() throws Exception {
    try (LeakGuard guard = new LeakGuard()) {
      leak();
      // Reported once the collector has cleared the buffer, which may take a few rounds.
      List<String> leaks = guard.leaks();
      for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
        leaks = guard.leaks();
      }
      assertFalse(leaks.isEmpty());
    }
  }

  private static void leak() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    leaked.writeLong(42);
  }
}
