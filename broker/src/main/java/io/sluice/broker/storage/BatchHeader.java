package io.sluice.broker.storage;

import io.sluice.protocol.record.InvalidRecordException;
import io.sluice.protocol.record.RecordBatch;
import java.nio.ByteBuffer;

/**
 * The header fields of a RecordBatch v2 that storage keeps after the bytes are gone (for index
 * entries, producer state, scans of files), copied out of a {@link RecordBatch} view. The layout
 * and its byte diagram live in {@link RecordBatch}; storage reads only the first 61 bytes of a
 * batch from a file.
 */
record BatchHeader(
    long baseOffset,
    int sizeInBytes,
    byte magic,
    int lastOffsetDelta,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount,
    int partitionLeaderEpoch) {

  static final int LOG_OVERHEAD = RecordBatch.LOG_OVERHEAD;
  static final int HEADER_SIZE = RecordBatch.HEADER_SIZE;
  static final int LENGTH_OFFSET = RecordBatch.BATCH_LENGTH_OFFSET;

  /**
   * Reads a header at {@code index}; the caller guarantees 61 readable bytes there. Only the header
   * is read, so the batch itself may extend past the buffer (a header read from a file).
   */
  static BatchHeader read(ByteBuffer buf, int index) {
    ByteBuffer b = buf.duplicate(); // big-endian
    return new BatchHeader(
        b.getLong(index + RecordBatch.BASE_OFFSET_OFFSET),
        b.getInt(index + RecordBatch.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD,
        b.get(index + RecordBatch.MAGIC_OFFSET),
        b.getInt(index + RecordBatch.LAST_OFFSET_DELTA_OFFSET),
        b.getLong(index + RecordBatch.MAX_TIMESTAMP_OFFSET),
        b.getLong(index + RecordBatch.PRODUCER_ID_OFFSET),
        b.getShort(index + RecordBatch.PRODUCER_EPOCH_OFFSET),
        b.getInt(index + RecordBatch.BASE_SEQUENCE_OFFSET),
        b.getInt(index + RecordBatch.RECORD_COUNT_OFFSET),
        b.getInt(index + RecordBatch.PARTITION_LEADER_EPOCH_OFFSET));
  }

  static BatchHeader of(RecordBatch batch) {
    return new BatchHeader(
        batch.baseOffset(),
        batch.sizeInBytes(),
        batch.magic(),
        batch.lastOffsetDelta(),
        batch.maxTimestamp(),
        batch.producerId(),
        batch.producerEpoch(),
        batch.baseSequence(),
        batch.recordCount(),
        batch.partitionLeaderEpoch());
  }

  BatchHeader withBaseOffset(long offset) {
    return new BatchHeader(
        offset,
        sizeInBytes,
        magic,
        lastOffsetDelta,
        maxTimestamp,
        producerId,
        producerEpoch,
        baseSequence,
        recordCount,
        partitionLeaderEpoch);
  }

  BatchHeader withPartitionLeaderEpoch(int epoch) {
    return new BatchHeader(
        baseOffset,
        sizeInBytes,
        magic,
        lastOffsetDelta,
        maxTimestamp,
        producerId,
        producerEpoch,
        baseSequence,
        recordCount,
        epoch);
  }

  long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  boolean idempotent() {
    return producerId != RecordBatch.NO_PRODUCER_ID;
  }

  /** The sequence of the last record; sequences wrap from Integer.MAX_VALUE to 0, as in Kafka. */
  int lastSequence() {
    return RecordBatch.sequenceAt(baseSequence, lastOffsetDelta);
  }

  /**
   * The check recovery and unverified reads apply to one batch at {@code index} of which at most
   * {@code available} bytes are present: length within bounds, magic 2, CRC32C, and a record count
   * that agrees with lastOffsetDelta (what Kafka's recovery checks; the records themselves were
   * checked on append). Returns null when the batch passes, otherwise why not.
   */
  static String check(ByteBuffer buf, int index, int available, int maxBatchBytes) {
    if (available < HEADER_SIZE) {
      return "only " + available + " bytes left, a batch header needs " + HEADER_SIZE;
    }
    ByteBuffer view = buf.duplicate();
    int length = view.getInt(index + LENGTH_OFFSET);
    if (length < HEADER_SIZE - LOG_OVERHEAD || length > maxBatchBytes - LOG_OVERHEAD) {
      return "batchLength=" + length + " outside [49, " + (maxBatchBytes - LOG_OVERHEAD) + "]";
    }
    view.limit(index + Math.min(available, length + LOG_OVERHEAD));
    try {
      RecordBatch batch = RecordBatch.at(view, index);
      if (batch.magic() != RecordBatch.MAGIC) {
        return "magic=" + batch.magic() + ", only 2 is supported";
      }
      if (batch.crc() != batch.computeCrc()) {
        return "crc=" + batch.crc() + " computed=" + batch.computeCrc();
      }
      // An empty batch spanning offsets is compaction's placeholder for removed batches.
      boolean placeholder = batch.recordCount() == 0 && batch.lastOffsetDelta() >= 0;
      if (!placeholder
          && (batch.recordCount() < 1 || batch.lastOffsetDelta() != batch.recordCount() - 1)) {
        return "recordCount="
            + batch.recordCount()
            + " does not match lastOffsetDelta="
            + batch.lastOffsetDelta();
      }
      return null;
    } catch (InvalidRecordException e) {
      return e.getMessage();
    }
  }
}
