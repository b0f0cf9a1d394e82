package io.sluice.protocol.record;

import static io.sluice.protocol.record.InvalidRecordException.invalid;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks the records of an uncompressed batch (a compressed one is {@link
 * RecordBatch#decompress()}ed first), checking each one as Kafka's broker does for a fresh produce:
 * every record fits its length and the batch, offset deltas run 0, 1, ... n-1, and the last record
 * ends exactly where the batch ends.
 *
 * <p>The record count is checked against the bytes before the walk starts ({@link Record#MIN_SIZE}
 * bytes per record at least), so a count of {@code 2^31-1} fails at once instead of looping or
 * allocating.
 *
 * <p>Not thread-safe: it holds the position of the next record.
 */
final class RecordIterator implements Iterator<Record> {
  private final RecordBatch batch;
  private final int end;
  private final int count;
  private int position;
  private int next;

  RecordIterator(RecordBatch batch) {
    if (batch.compressionId() != CompressionType.NONE.id()) {
      throw new IllegalArgumentException("decompress the batch first: " + batch);
    }
    this.batch = batch;
    this.count = batch.recordCount();
    int start = batch.position() + RecordBatch.RECORDS_OFFSET;
    int end = batch.position() + batch.sizeInBytes();
    int bytes = end - start;
    if (count < 0 || count > bytes / Record.MIN_SIZE) {
      throw invalid(
          "recordCount="
              + count
              + " cannot fit in "
              + bytes
              + " bytes of records at position="
              + batch.position());
    }
    if (count == 0 && bytes != 0) {
      throw trailing(bytes);
    }
    this.end = end;
    this.position = start;
  }

  @Override
  public boolean hasNext() {
    return next < count;
  }

  @Override
  public Record next() {
    if (next >= count) {
      throw new NoSuchElementException("recordCount=" + count);
    }
    Record record = Record.read(batch, position, end, next);
    position += record.sizeInBytes();
    next++;
    if (next == count && position != end) {
      throw trailing(end - position);
    }
    return record;
  }

  private InvalidRecordException trailing(int bytes) {
    return invalid(
        bytes
            + " bytes remain after recordCount="
            + count
            + " records in batch at position="
            + batch.position());
  }
}
