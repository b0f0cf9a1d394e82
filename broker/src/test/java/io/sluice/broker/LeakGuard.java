package io.sluice.broker;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what Netty's leak detector reports (it logs through SLF4J at ERROR). Tests run with
 * {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked; {@link #leaks}
 * forces collection and a few tracked allocations, which is when the detector reports.
 */
final class LeakGuard implements AutoCloseable {
  private final Logger logger =
      (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class.getName());
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LeakGuard() {
    appender.start();
    logger.addAppender(appender);
  }

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
    return appender.list.stream()
        .filter(e -> e.getFormattedMessage().contains("LEAK"))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
