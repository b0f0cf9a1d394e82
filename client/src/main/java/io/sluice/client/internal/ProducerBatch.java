package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.client.RecordMetadata;
import io.sluice.client.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The records of one partition sent together as one RecordBatch. Records are appended until the
 * batch is drained; then the batch is encoded once, with its producer id, epoch and base sequence,
 * and the same bytes are sent on every retry, so that the broker can recognise a duplicate.
 *
 * <p>Not thread-safe: guarded by the {@link RecordAccumulator}'s lock until drained, then owned by
 * the sender and the I/O thread in turn (one at a time).
 */
final class ProducerBatch {
  final TopicPartition partition;
  final long createdMs;
  final long deadlineMs;
  private final int sizeLimit;
  private final List<PendingRecord> records = new ArrayList<>();
  private int estimatedBytes;
  private int reservedBytes;

  /** -1 until the batch is first drained (non-idempotent batches keep -1). */
  int baseSequence = -1;

  ByteBuf encoded;
  int attempts;

  /** Whether some attempt ended without a definite answer (the batch may be in the log). */
  boolean ambiguous;

  long retryAtMs;

  /**
   * @param sizeLimit the estimated record bytes at which the batch is full: {@code batch.size}, or
   *     more when compression is expected to shrink them ({@link CompressionRatios})
   */
  ProducerBatch(TopicPartition partition, long nowMs, long deliveryTimeoutMs, int sizeLimit) {
    this.partition = partition;
    this.sizeLimit = sizeLimit;
    this.createdMs = nowMs;
    this.deadlineMs = nowMs + deliveryTimeoutMs;
  }

  boolean tryAppend(PendingRecord record, int size, int reserved) {
    if (encoded != null || (!records.isEmpty() && estimatedBytes + size > sizeLimit)) {
      return false;
    }
    records.add(record);
    estimatedBytes += size;
    reservedBytes += reserved;
    return true;
  }

  List<PendingRecord> records() {
    return records;
  }

  int estimatedBytes() {
    return estimatedBytes;
  }

  int reservedBytes() {
    return reservedBytes;
  }

  boolean isFull() {
    return estimatedBytes >= sizeLimit;
  }

  /** Completes every record: record i was written at {@code baseOffset + i}. */
  void succeed(long baseOffset, long logAppendTime) {
    release();
    for (int i = 0; i < records.size(); i++) {
      PendingRecord r = records.get(i);
      long timestamp = logAppendTime >= 0 ? logAppendTime : r.timestamp();
      RecordMetadata metadata =
          new RecordMetadata(partition, baseOffset < 0 ? -1 : baseOffset + i, timestamp);
      r.future().complete(metadata);
      callback(r, metadata, null);
    }
  }

  void fail(RuntimeException error) {
    release();
    for (PendingRecord r : records) {
      r.future().completeExceptionally(error);
      callback(r, null, error);
    }
  }

  /** Runs an application callback; one that throws must not stop the others. */
  private static void callback(PendingRecord r, RecordMetadata metadata, Exception error) {
    if (r.callback() == null) {
      return;
    }
    try {
      r.callback().onCompletion(metadata, error);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(ProducerBatch.class).warn("a producer callback failed", e);
    }
  }

  private void release() {
    if (encoded != null) {
      encoded.release();
      encoded = null;
    }
  }
}
