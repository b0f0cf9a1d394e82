package io.sluice.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, also keeping every report for the tests to fail on. Installed for every
 * test JVM of the build by {@code -Dio.netty.customResourceLeakDetector} (parent pom), with the
 * detector at {@code paranoid}, so every buffer is tracked and none can leak unnoticed; {@link
 * LeakCheckExtension} fails the test class during which a leak is found.
 *
 * <p>Netty finds a leak when a tracked buffer is garbage-collected unreleased, and reports it on a
 * later tracked allocation: {@link #collect} forces both. Thread-safe (reports arrive on any thread
 * that allocates).
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  private static final List<String> leaks = new ArrayList<>();

  /** The constructor Netty's factory calls for {@code io.netty.customResourceLeakDetector}. */
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  /** The constructor of older Netty factories. */
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    this(resourceType, samplingInterval);
  }

  /**
   * Collects garbage, lets the detector report what it found, and returns (and forgets) every leak
   * reported since the last call.
   */
  public static List<String> collect() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20);
      for (int i = 0; i < 32; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
        unpooled.release();
      }
    }
    synchronized (leaks) {
      List<String> found = List.copyOf(leaks);
      leaks.clear();
      return found;
    }
  }

  /** Whether this class is the detector in use (false when a test JVM runs without the flag). */
  public static boolean installed() {
    return RecordingLeakDetector.class
        .getName()
        .equals(System.getProperty("io.netty.customResourceLeakDetector"));
  }

  @Override
  protected boolean needReport() {
    return true; // record even when logging is off
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    record("LEAK: " + resourceType + ".release() was not called before it was collected" + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    record("LEAK: " + resourceType + ".release() was not called before it was collected");
    super.reportUntracedLeak(resourceType);
  }

  private static void record(String leak) {
    synchronized (leaks) {
      leaks.add(leak);
    }
  }
}
