package io.sluice.protocol.record;

import static io.sluice.protocol.record.InvalidRecordException.corrupt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the batches of a buffer of concatenated batches, one view at a time, from the buffer's
 * position to its limit, without moving either. A trailing partial batch (a fetch response cut
 * short at {@code max.bytes}, a torn write at the end of a segment) is not an error: {@link #next}
 * returns null before it and {@link #position} tells where the complete batches end.
 *
 * <p>The reader checks only what it needs to find the next batch (its length); call {@link
 * RecordBatch#validate()} on each batch that must be trusted.
 *
 * <p>Not thread-safe; one reader per walk.
 */
public final class RecordBatchReader {
  private final ByteBuffer buf;
  private final int start;
  private final int limit;
  private int position;

  public RecordBatchReader(ByteBuffer buf) {
    this.buf = buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.duplicate();
    this.start = buf.position();
    this.limit = buf.limit();
    this.position = start;
  }

  /**
   * The next complete batch, or null if fewer bytes remain than the next batch needs.
   *
   * @throws InvalidRecordException ({@code CORRUPT_MESSAGE}) if the next batch's length field is
   *     smaller than a batch header: no amount of further bytes could complete it
   */
  public RecordBatch next() {
    int remaining = limit - position;
    if (remaining < RecordBatch.LOG_OVERHEAD) {
      return null;
    }
    int batchLength = buf.getInt(position + RecordBatch.BATCH_LENGTH_OFFSET);
    if (batchLength < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD) {
      throw corrupt(
          "batchLength=" + batchLength + " is smaller than the header at position=" + position);
    }
    if ((long) RecordBatch.LOG_OVERHEAD + batchLength > remaining) {
      return null;
    }
    RecordBatch batch = RecordBatch.at(buf, position);
    position += batch.sizeInBytes();
    return batch;
  }

  /** Where the next batch starts: the end of the last complete batch returned by {@link #next}. */
  public int position() {
    return position;
  }

  /** Bytes from the buffer's starting position to {@link #position()}. */
  public int bytesRead() {
    return position - start;
  }

  /** Bytes after {@link #position()}: zero, or the start of a batch not (yet) complete. */
  public int remaining() {
    return limit - position;
  }
}
