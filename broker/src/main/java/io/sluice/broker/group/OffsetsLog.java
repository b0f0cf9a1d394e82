package io.sluice.broker.group;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One partition of {@code __consumer_offsets} that this broker leads, in one leader epoch, as the
 * group coordinator uses it: read whole when the broker takes it over, appended to as the leader
 * with {@code acks=all} semantics. The broker's composition root implements it over the partition's
 * log and replication state, so that this package needs no storage engine. Thread-safe.
 */
public interface OffsetsLog {

  /** Receives the records of the partition in offset order. */
  interface RecordVisitor {
    /**
     * One record: its offset, key and value (null for a tombstone); the buffers are valid only
     * during the call.
     */
    void record(long offset, ByteBuffer key, ByteBuffer value);
  }

  /** Reads every record from the log start to the log end as of the call. Blocks (disk reads). */
  void replay(RecordVisitor visitor);

  /**
   * Appends one record batch (RecordBatch v2, offsets from 0) as the leader. Completes with the
   * batch's base offset once the high watermark has passed it and the leader's fsync covers it, or
   * exceptionally with a {@link io.sluice.protocol.SluiceException}: {@code NOT_ENOUGH_REPLICAS}
   * (fewer in-sync replicas than {@code min.insync.replicas}), {@code NOT_LEADER_OR_FOLLOWER}
   * (leadership moved), {@code REQUEST_TIMED_OUT} (the replicas did not confirm within the commit
   * timeout), a storage error, or a batch-size error. Never blocks.
   */
  CompletableFuture<Long> append(ByteBuffer batch);
}
