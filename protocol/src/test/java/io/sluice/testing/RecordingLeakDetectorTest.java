package io.sluice.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check every test class runs under does see a leaked buffer, and only that. */
class RecordingLeakDetectorTest {
  @Test
  void collect_bufferNeverReleased_reportedOnceWithItsLastAccess() throws Exception {
    assertTrue(RecordingLeakDetector.installed(), "tests run with the recording detector");
    // Netty logs the leak it finds (on purpose here): captured, not printed.
    ExpectedLogs.expect("ERROR", "io.netty.util.ResourceLeakDetector", "LEAK: ByteBuf.release()");
    RecordingLeakDetector.collect();
    leak();
    // Reported once the collector has cleared the buffer, which may take a few rounds.
    List<String> leaks = RecordingLeakDetector.collect();
    for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
      leaks = RecordingLeakDetector.collect();
    }
    assertEquals(1, leaks.size(), leaks.toString());
    assertTrue(leaks.get(0).contains("RecordingLeakDetectorTest.leak"), leaks.get(0));
    assertEquals(List.of(), RecordingLeakDetector.collect(), "a leak is reported once");
  }

  @Test
  void collect_bufferReleased_nothingReported() throws Exception {
    RecordingLeakDetector.collect();
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    buf.writeLong(42);
    buf.release();
    assertEquals(List.of(), RecordingLeakDetector.collect());
  }

  private static void leak() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    leaked.writeLong(42);
  }
}
