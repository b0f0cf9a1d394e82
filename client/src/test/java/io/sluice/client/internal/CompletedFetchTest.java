package io.sluice.client.internal;

import static io.sluice.client.internal.FetchFixtures.TP;
import static io.sluice.client.internal.FetchFixtures.frame;
import static io.sluice.client.internal.FetchFixtures.receive;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Header;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletedFetchTest {
  private static List<Long> offsets(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(ConsumerRecord::offset).toList();
  }

  @Test
  void receive_twoBatches_nextOffsetFromHeadersAndFrameKeptAliveBySlice() {
    ByteBuf frame = frame(0, 3, 2);
    CompletedFetch fetch = receive(frame, 0);
    assertEquals(5, fetch.nextFetchOffset());
    assertEquals(1, frame.refCnt(), "the fetch's slice holds the frame after the parser's release");
    assertEquals(
        frame.capacity() - FetchFixtures.BEFORE - FetchFixtures.AFTER, fetch.retainedBytes());
    fetch.release();
    assertEquals(0, frame.refCnt());
  }

  @Test
  void drain_inStepsOfTwo_resumesAtCursorAcrossBatchesAndReleasesAtEnd() {
    ByteBuf frame = frame(10, 3, 2);
    CompletedFetch fetch = receive(frame, 10);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    assertEquals(2, fetch.drain(out, 2));
    assertEquals(12, fetch.position());
    assertEquals(2, fetch.drain(out, 2));
    assertEquals(14, fetch.position());
    assertEquals(1, frame.refCnt());
    assertEquals(1, fetch.drain(out, 2));
    assertEquals(15, fetch.position());
    assertTrue(fetch.isFinished());
    assertEquals(0, frame.refCnt(), "released as soon as the last record was returned");
    assertEquals(List.of(10L, 11L, 12L, 13L, 14L), offsets(out));
    for (ConsumerRecord<byte[], byte[]> r : out) {
      int i = (int) r.offset();
      assertEquals(100 + i, r.timestamp());
      assertEquals(0, r.timestampType());
      assertArrayEquals(("k" + i).getBytes(StandardCharsets.UTF_8), r.key());
      if (i % 3 == 0) {
        assertNull(r.value());
      } else {
        assertArrayEquals(("v" + i).getBytes(StandardCharsets.UTF_8), r.value());
      }
      assertEquals(List.of(Header.of("h", "x" + i)), r.headers());
    }
    assertEquals(0, fetch.drain(out, 2));
    fetch.release(); // idempotent
    assertEquals(0, frame.refCnt());
  }

  @Test
  void drain_fromOffsetInsideFirstBatch_skipsEarlierRecords() {
    ByteBuf frame = frame(0, 3, 2);
    CompletedFetch fetch = receive(frame, 2);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    fetch.drain(out, 100);
    assertEquals(List.of(2L, 3L, 4L), offsets(out));
    assertEquals(0, frame.refCnt());
  }

  @Test
  void receive_everyTruncationOfSecondBatch_keepsCompleteBatchesOnly() {
    ByteBuf whole = frame(0, 3, 2);
    int records = whole.readableBytes() - FetchFixtures.BEFORE - FetchFixtures.AFTER;
    int first = whole.getInt(FetchFixtures.BEFORE + RecordBatch.BATCH_LENGTH_OFFSET) + 12;
    for (int length = 1; length < records; length++) {
      ByteBuf cut = whole.retainedSlice(FetchFixtures.BEFORE, length);
      CompletedFetch fetch = CompletedFetch.receive(TP, cut, 0, true, 1 << 20);
      cut.release();
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      fetch.drain(out, 100);
      int expected = length >= first ? 3 : 0;
      assertEquals(expected, out.size(), "length=" + length);
      assertEquals(expected, fetch.nextFetchOffset(), "length=" + length);
      assertNull(fetch.failure(), "length=" + length);
      fetch.release();
    }
    assertEquals(1, whole.refCnt());
    whole.release();
  }

  @Test
  void receive_flippedByteInSecondBatch_firstBatchReturnedThenCorruptNamingOffset() {
    ByteBuf frame = frame(0, 3, 2);
    int at = frame.readableBytes() - FetchFixtures.AFTER - 2;
    frame.setByte(at, frame.getByte(at) ^ 1);
    CompletedFetch fetch = receive(frame, 0);
    assertTrue(fetch.endsInFailure());
    assertEquals(3, fetch.nextFetchOffset(), "nothing is fetched past the bad batch");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    assertEquals(3, fetch.drain(out, 100));
    SluiceClientException e = fetch.failure();
    assertEquals(Errors.CORRUPT_MESSAGE, e.error());
    assertEquals(TP, e.topicPartition());
    assertTrue(e.getMessage().contains("t-0 at offset 3"), e.getMessage());
    assertEquals(3, fetch.position());
    assertFalse(fetch.isFinished());
    assertEquals(0, frame.refCnt(), "released at the failure");
    assertEquals(0, fetch.drain(out, 100));
  }

  @Test
  void drain_malformedRecordWithValidCrc_returnsRecordsBeforeItThenFailsAtItsOffset() {
    ByteBuf frame = frame(0, 4);
    RecordBatch batch =
        RecordBatch.at(FetchFixtures.records(frame).nioBuffer(), 0); // a view of the frame
    Iterator<Record> it = batch.iterator();
    it.next();
    it.next();
    // Record 2's offsetDelta (after a 1-byte length, attributes, 1-byte timestampDelta): 2 -> 5.
    int recordStart = FetchFixtures.BEFORE + it.next().position();
    frame.setByte(recordStart + 3, 10);
    frame.setInt(FetchFixtures.BEFORE + RecordBatch.CRC_OFFSET, (int) batch.computeCrc());
    CompletedFetch fetch = receive(frame, 0);
    assertFalse(fetch.endsInFailure(), "the CRC matches: the batch passes the I/O thread's check");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    assertEquals(2, fetch.drain(out, 100));
    assertEquals(List.of(0L, 1L), offsets(out));
    assertEquals(Errors.CORRUPT_MESSAGE, fetch.failure().error());
    assertTrue(
        fetch.failure().getMessage().contains("t-0 at offset 2"), fetch.failure().getMessage());
    assertEquals(2, fetch.position());
    assertEquals(0, frame.refCnt());
  }

  @Test
  void drain_compressedBatchesOfEveryCodec_decompressedInStepsAcrossBatches() {
    for (CompressionType type : CompressionType.values()) {
      ByteBuf frame = frame(Compression.of(type), 10, 4, 5);
      CompletedFetch fetch = receive(frame, 12);
      assertEquals(19, fetch.nextFetchOffset());
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      assertEquals(3, fetch.drain(out, 3));
      assertEquals(4, fetch.drain(out, 100));
      assertEquals(List.of(12L, 13L, 14L, 15L, 16L, 17L, 18L), offsets(out), type.label());
      assertEquals("k17", new String(out.get(5).key(), StandardCharsets.UTF_8));
      assertEquals("v17", new String(out.get(5).value(), StandardCharsets.UTF_8));
      assertEquals(117, out.get(5).timestamp());
      assertTrue(fetch.isFinished());
      assertEquals(0, frame.refCnt());
    }
  }

  @Test
  void drain_compressedBatchThatDoesNotDecompress_recordsBeforeItThenCorruptAtItsOffset() {
    ByteBuf frame = frame(Compression.of(CompressionType.ZSTD), 0, 3, 4);
    // Garble the second batch's zstd payload and fix its CRC: a producer that sent garbage.
    ByteBuf records = FetchFixtures.records(frame);
    RecordBatch first = RecordBatch.at(records.nioBuffer(), 0);
    int second = FetchFixtures.BEFORE + first.sizeInBytes();
    for (int i = 0; i < 8; i++) {
      int at = second + RecordBatch.HEADER_SIZE + i;
      frame.setByte(at, frame.getByte(at) ^ 0x3C);
    }
    RecordBatch batch = RecordBatch.at(records.nioBuffer(), first.sizeInBytes());
    frame.setInt(second + RecordBatch.CRC_OFFSET, (int) batch.computeCrc());
    CompletedFetch fetch = receive(frame, 0);
    assertFalse(fetch.endsInFailure(), "the CRC matches");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    assertEquals(3, fetch.drain(out, 100));
    assertEquals(Errors.CORRUPT_MESSAGE, fetch.failure().error());
    String message = fetch.failure().getMessage();
    assertTrue(message.contains("t-0 at offset 3"), message);
    assertTrue(message.contains("zstd records of the batch"), message);
    assertEquals(3, fetch.position());
    assertEquals(0, frame.refCnt());
  }

  @Test
  void receive_onlyPartialBatchAsLargeAsPartitionMax_recordListTooLarge() {
    ByteBuf frame = frame(0, 3);
    ByteBuf cut = frame.retainedSlice(FetchFixtures.BEFORE, 40);
    frame.release();
    CompletedFetch fetch = CompletedFetch.receive(TP, cut, 0, true, 40);
    cut.release();
    assertEquals(0, frame.refCnt(), "nothing complete, nothing retained");
    assertEquals(0, fetch.drain(new ArrayList<>(), 100));
    assertEquals(Errors.RECORD_LIST_TOO_LARGE, fetch.failure().error());
  }

  @Test
  void receive_noRecords_emptyAndNothingRetained() {
    CompletedFetch fetch = CompletedFetch.receive(TP, null, 7, true, 1 << 20);
    assertTrue(fetch.isEmpty());
    assertEquals(7, fetch.nextFetchOffset());
    assertEquals(0, fetch.retainedBytes());
    fetch.release();
  }

  @Test
  void release_beforeDrained_frameFreedAndCursorReturnsNothing() {
    ByteBuf frame = frame(0, 3, 2);
    CompletedFetch fetch = receive(frame, 0);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    fetch.drain(out, 1);
    fetch.release();
    assertEquals(0, frame.refCnt());
    fetch.release();
    assertEquals(0, fetch.retainedBytes());
  }

  @Test
  void drain_compactedLogPlaceholder_skipsItsOffsetsAndGoesOn() {
    ByteBuf first = BatchCodecTest.encode(BatchCodecTest.records(0, 3), 7L, (short) 1, 0);
    ByteBuf last = BatchCodecTest.encode(BatchCodecTest.records(10, 2), 7L, (short) 1, 10);
    last.setLong(RecordBatch.BASE_OFFSET_OFFSET, 10L);
    java.nio.ByteBuffer empty = RecordBatchBuilder.emptyBatch(3L, 9L, 100L, 109L, 0);
    ByteBuf frame =
        io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(
            FetchFixtures.BEFORE
                + first.readableBytes()
                + empty.remaining()
                + last.readableBytes()
                + FetchFixtures.AFTER);
    frame.writeZero(FetchFixtures.BEFORE);
    frame.writeBytes(first);
    frame.writeBytes(empty);
    frame.writeBytes(last);
    frame.writeZero(FetchFixtures.AFTER);
    first.release();
    last.release();
    CompletedFetch fetch = receive(frame, 0);
    assertFalse(fetch.endsInFailure());
    assertEquals(12, fetch.nextFetchOffset());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    assertEquals(5, fetch.drain(out, 100));
    assertEquals(List.of(0L, 1L, 2L, 10L, 11L), offsets(out));
    assertEquals(12, fetch.position());
    assertTrue(fetch.isFinished());
    assertEquals(0, frame.refCnt());
  }
}
