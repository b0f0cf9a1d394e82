package io.sluice.broker.storage;

/**
 * What a {@link Log} needs from the log directory that holds it, and nothing more: a way to ask for
 * an fsync, and the directory's health. {@link LogDirectory} is the implementation; a log never
 * sees the directory's other partitions, checkpoints or threads.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
interface LogHost {
  /** Asks the directory's flusher to flush {@code log} soon (group commit); never blocks. */
  void requestFlush(Log log);

  /**
   * Throws {@code KAFKA_STORAGE_ERROR} when the directory is offline.
   *
   * @throws io.sluice.protocol.SluiceException if an earlier I/O failure took the directory offline
   */
  void ensureOnline();

  /** The failure that took the directory offline, or null while it is online. */
  Throwable failure();

  /**
   * A follower's log was cut back (replication): {@code removed} segments left the log; their files
   * are renamed for deletion and unlinked once their last reader is done, and the checkpoints are
   * written, so the recovery point is not above the new end. Called with the log's append lock
   * held; the segments' references pass to the directory.
   */
  void truncated(Log log, java.util.List<LogSegment> removed) throws java.io.IOException;

  /** Takes the directory offline after an I/O failure that may have lost data (first one wins). */
  void markOffline(Throwable cause);
}
