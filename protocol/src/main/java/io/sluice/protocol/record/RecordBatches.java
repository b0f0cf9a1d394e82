package io.sluice.protocol.record;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks of a buffer of concatenated batches, for consumers (iterate complete batches, ignore a
 * partial tail) and for storage recovery (how many bytes from the start form valid batches).
 */
public final class RecordBatches {
  private RecordBatches() {}

  /**
   * The complete batches from the buffer's position to its limit, as views; a trailing partial
   * batch is skipped. Nothing is validated. The iterator throws {@link InvalidRecordException} if a
   * length field is smaller than a batch header.
   */
  public static Iterable<RecordBatch> iterate(ByteBuffer buf) {
    return () ->
        new Iterator<>() {
          private final RecordBatchReader reader = new RecordBatchReader(buf);
          private RecordBatch next = reader.next();

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public RecordBatch next() {
            if (next == null) {
              throw new NoSuchElementException();
            }
            RecordBatch current = next;
            next = reader.next();
            return current;
          }
        };
  }

  /**
   * Validates batch after batch from the buffer's position and stops at the first one that is
   * invalid or incomplete. Never throws for bad bytes: the result says how far the log is good.
   */
  public static ScanResult scan(ByteBuffer buf) {
    RecordBatchReader reader = new RecordBatchReader(buf);
    int validBytes = 0;
    int batches = 0;
    long records = 0;
    long nextOffset = -1;
    try {
      for (RecordBatch batch = reader.next(); batch != null; batch = reader.next()) {
        batch.validate();
        validBytes = reader.bytesRead();
        batches++;
        records += batch.recordCount();
        nextOffset = batch.nextOffset();
      }
    } catch (InvalidRecordException e) {
      return new ScanResult(validBytes, batches, records, nextOffset, e);
    }
    return new ScanResult(validBytes, batches, records, nextOffset, null);
  }

  /**
   * What {@link #scan} found.
   *
   * @param validBytes bytes from the start that are whole, valid batches
   * @param batches number of valid batches
   * @param records sum of their record counts
   * @param nextOffset the offset after the last valid batch, -1 if there is none
   * @param error why the scan stopped before the end, or null if it stopped at the end or at a
   *     partial batch (then {@code validBytes} is less than the buffer's remaining bytes)
   */
  public record ScanResult(
      int validBytes, int batches, long records, long nextOffset, InvalidRecordException error) {}
}
