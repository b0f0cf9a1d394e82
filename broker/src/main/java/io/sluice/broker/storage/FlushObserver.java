package io.sluice.broker.storage;

/**
 * Told about every flush the flusher threads perform, for metrics. Called on a flusher thread right
 * after the fsync; must be quick and must not throw.
 */
@FunctionalInterface
public interface FlushObserver {
  FlushObserver NONE = (nanos, bytes) -> {};

  /**
   * @param nanos how long the flush took (the fsyncs of the dirty segments, and of the directory
   *     after a roll)
   * @param bytes record bytes appended since the log's previous flush that this one made durable
   */
  void flushed(long nanos, long bytes);
}
