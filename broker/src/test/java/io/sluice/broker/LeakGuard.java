package io.sluice.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;

/**
 * Collects what Netty's leak detector reports (it logs through SLF4J at ERROR). Tests run with
 * {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked; {@link #leaks}
 * forces collection and a few tracked allocations, which is when the detector reports.
 */
final class LeakGuard implements AutoCloseable {
  private final LogCapture capture = new LogCapture(ResourceLeakDetector.class.getName());

  /** The leak reports so far, after giving the detector a chance to find unreleased buffers. */
  List<String> leaks() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      for (int j = 0; j < 100; j++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        probe.release();
      }
    }
    return capture.warnings().stream().filter(m -> m.contains("LEAK")).toList();
  }

  @Override
  public void close() {
    capture.close();
  }
}
