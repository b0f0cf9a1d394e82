package io.sluice.broker.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The header fields of a RecordBatch v2 that storage needs, read from absolute positions.
 *
 * <pre>
 *  0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
 * 17 crc uint32 (CRC32C of bytes [21, end)) | 21 attributes int16 | 23 lastOffsetDelta int32
 * 27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 * 53 baseSequence int32 | 57 recordCount int32 | 61 records...
 * </pre>
 *
 * <p>Implementation note: this is a storage-private reader of the few fields the engine uses; the
 * protocol module's record view serves everything else.
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
    int recordCount) {

  static final int LOG_OVERHEAD = 12;
  static final int HEADER_SIZE = 61;
  static final int LENGTH_OFFSET = 8;
  static final int MAGIC_OFFSET = 16;
  static final int CRC_OFFSET = 17;
  static final int ATTRIBUTES_OFFSET = 21;
  static final int LAST_OFFSET_DELTA_OFFSET = 23;
  static final int MAX_TIMESTAMP_OFFSET = 35;
  static final int PRODUCER_ID_OFFSET = 43;
  static final int PRODUCER_EPOCH_OFFSET = 51;
  static final int BASE_SEQUENCE_OFFSET = 53;
  static final int RECORD_COUNT_OFFSET = 57;
  static final long NO_PRODUCER_ID = -1;

  /** Reads a header at {@code index}; the caller guarantees 61 readable bytes there. */
  static BatchHeader read(ByteBuffer buf, int index) {
    return new BatchHeader(
        buf.getLong(index),
        buf.getInt(index + LENGTH_OFFSET) + LOG_OVERHEAD,
        buf.get(index + MAGIC_OFFSET),
        buf.getInt(index + LAST_OFFSET_DELTA_OFFSET),
        buf.getLong(index + MAX_TIMESTAMP_OFFSET),
        buf.getLong(index + PRODUCER_ID_OFFSET),
        buf.getShort(index + PRODUCER_EPOCH_OFFSET),
        buf.getInt(index + BASE_SEQUENCE_OFFSET),
        buf.getInt(index + RECORD_COUNT_OFFSET));
  }

  long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  boolean idempotent() {
    return producerId != NO_PRODUCER_ID;
  }

  /** The sequence of the last record; sequences wrap from Integer.MAX_VALUE to 0, as in Kafka. */
  int lastSequence() {
    long last = (long) baseSequence + lastOffsetDelta;
    return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
  }

  /**
   * Checks one batch at {@code index} of which at most {@code available} bytes are present: length,
   * magic, CRC32C and the record count. Returns null when it is valid, otherwise why not. Offset
   * continuity is the caller's business.
   */
  static String check(ByteBuffer buf, int index, int available, int maxBatchBytes) {
    if (available < HEADER_SIZE) {
      return "only " + available + " bytes left, a batch header needs " + HEADER_SIZE;
    }
    int length = buf.getInt(index + LENGTH_OFFSET);
    if (length < HEADER_SIZE - LOG_OVERHEAD || length > maxBatchBytes - LOG_OVERHEAD) {
      return "batchLength=" + length + " outside [49, " + (maxBatchBytes - LOG_OVERHEAD) + "]";
    }
    int size = length + LOG_OVERHEAD;
    if (size > available) {
      return "batch of " + size + " bytes but only " + available + " bytes left";
    }
    byte magic = buf.get(index + MAGIC_OFFSET);
    if (magic != 2) {
      return "magic=" + magic + ", only 2 is supported";
    }
    int stored = buf.getInt(index + CRC_OFFSET);
    int computed = crc32c(buf, index + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
    if (stored != computed) {
      return "crc="
          + Integer.toUnsignedString(stored)
          + " computed="
          + Integer.toUnsignedString(computed);
    }
    int lastOffsetDelta = buf.getInt(index + LAST_OFFSET_DELTA_OFFSET);
    int count = buf.getInt(index + RECORD_COUNT_OFFSET);
    if (count < 1 || lastOffsetDelta != count - 1) {
      return "recordCount=" + count + " does not match lastOffsetDelta=" + lastOffsetDelta;
    }
    return null;
  }

  static int crc32c(ByteBuffer buf, int index, int length) {
    CRC32C crc = new CRC32C();
    ByteBuffer view = buf.duplicate();
    view.limit(index + length).position(index);
    crc.update(view);
    return (int) crc.getValue();
  }
}
