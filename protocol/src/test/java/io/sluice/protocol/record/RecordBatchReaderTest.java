package io.sluice.protocol.record;

import static io.sluice.protocol.record.TestBatches.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocol.Errors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBatchReaderTest {

  /** Three batches of 1, 2 and 3 records with offsets 0..5, back to back after 7 junk bytes. */
  private static ByteBuffer threeBatches(List<Integer> ends) {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    buf.position(7);
    long offset = 0;
    for (int count = 1; count <= 3; count++) {
      RecordBatchBuilder builder = new RecordBatchBuilder(buf).baseOffset(offset);
      for (int i = 0; i < count; i++) {
        builder.append(100 + i, null, utf8("v" + offset++));
      }
      builder.build();
      ends.add(buf.position());
    }
    return buf.flip().position(7);
  }

  @Test
  void next_completeBatches_returnsEachThenNull() {
    List<Integer> ends = new ArrayList<>();
    ByteBuffer buf = threeBatches(ends);
    RecordBatchReader reader = new RecordBatchReader(buf);
    for (int b = 0; b < 3; b++) {
      RecordBatch batch = reader.next();
      batch.validate();
      assertEquals(b + 1, batch.recordCount());
      assertEquals(ends.get(b), reader.position());
    }
    assertNull(reader.next());
    assertEquals(0, reader.remaining());
    assertEquals(ends.get(2) - 7, reader.bytesRead());
    assertEquals(7, buf.position()); // the caller's buffer is not moved
  }

  @Test
  void next_partialTailAtEveryLength_ignoredAndPositionAtLastCompleteBatch() {
    List<Integer> ends = new ArrayList<>();
    ByteBuffer buf = threeBatches(ends);
    for (int limit = ends.get(1); limit < ends.get(2); limit++) {
      ByteBuffer cut = buf.duplicate().limit(limit);
      List<Long> offsets = new ArrayList<>();
      for (RecordBatch batch : RecordBatches.iterate(cut)) {
        batch.validate();
        for (Record record : batch) {
          offsets.add(record.offset());
        }
      }
      assertEquals(List.of(0L, 1L, 2L), offsets, "limit " + limit);
      RecordBatchReader reader = new RecordBatchReader(cut);
      reader.next();
      reader.next();
      assertNull(reader.next());
      assertEquals(ends.get(1), reader.position());
      assertEquals(limit - ends.get(1), reader.remaining());

      RecordBatches.ScanResult scan = RecordBatches.scan(cut);
      assertEquals(ends.get(1) - 7, scan.validBytes());
      assertEquals(2, scan.batches());
      assertEquals(3, scan.records());
      assertEquals(3, scan.nextOffset());
      assertNull(scan.error());
    }
  }

  @Test
  void scan_corruptMiddleBatch_stopsBeforeItWithError() {
    List<Integer> ends = new ArrayList<>();
    ByteBuffer buf = threeBatches(ends);
    int lastByteOfSecond = ends.get(1) - 1;
    buf.put(lastByteOfSecond, (byte) (buf.get(lastByteOfSecond) ^ 1));
    RecordBatches.ScanResult scan = RecordBatches.scan(buf);
    assertEquals(ends.get(0) - 7, scan.validBytes());
    assertEquals(1, scan.batches());
    assertEquals(1, scan.records());
    assertEquals(1, scan.nextOffset());
    assertEquals(Errors.CORRUPT_MESSAGE, scan.error().error());
    assertEquals(true, scan.error().getMessage().endsWith("at position=" + ends.get(0)));
  }

  @Test
  void scan_zeroedTail_stopsAtLastValidBatch() {
    List<Integer> ends = new ArrayList<>();
    ByteBuffer buf = threeBatches(ends);
    // A preallocated or torn tail: zeros after the last batch read as batchLength=0.
    ByteBuffer withZeros = buf.duplicate().limit(ends.get(2) + 100);
    RecordBatches.ScanResult scan = RecordBatches.scan(withZeros);
    assertEquals(ends.get(2) - 7, scan.validBytes());
    assertEquals(3, scan.batches());
    assertEquals(6, scan.nextOffset());
    assertEquals(Errors.CORRUPT_MESSAGE, scan.error().error());
    assertThrows(
        InvalidRecordException.class, () -> RecordBatches.iterate(withZeros).forEach(b -> {}));
  }

  @Test
  void reader_littleEndianBuffer_readsBigEndianFields() {
    List<Integer> ends = new ArrayList<>();
    ByteBuffer buf = threeBatches(ends).order(ByteOrder.LITTLE_ENDIAN);
    RecordBatch first = new RecordBatchReader(buf).next();
    first.validate();
    assertEquals(1, first.recordCount());
    assertEquals(ByteOrder.LITTLE_ENDIAN, buf.order());
    RecordBatch direct = RecordBatch.at(buf, 7);
    assertEquals(first.sizeInBytes(), direct.sizeInBytes());
  }

  @Test
  void at_directBuffer_sameViewAsHeap() {
    ByteBuffer heap = TestBatches.fixedSize(5, 50, 9);
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
    direct.put(heap.duplicate()).flip();
    RecordBatch batch = RecordBatch.at(direct, 0);
    batch.validate();
    assertEquals(RecordBatch.at(heap, 0).crc(), batch.crc());
    assertEquals(5, batch.recordCount());
    assertSame(direct, batch.buffer());
  }
}
