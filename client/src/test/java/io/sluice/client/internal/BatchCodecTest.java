package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.client.Header;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class BatchCodecTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  private static List<PendingRecord> records(int from, int count) {
    List<PendingRecord> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(
          new PendingRecord(
              100 + i,
              ("k" + i).getBytes(StandardCharsets.UTF_8),
              i % 3 == 0 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8),
              List.of(Header.of("h", "x" + i)),
              new CompletableFuture<>(),
              null));
    }
    return list;
  }

  private static ByteBuf encode(List<PendingRecord> records, long pid, short epoch, int seq) {
    int hint = 0;
    for (PendingRecord r : records) {
      hint += PendingRecord.estimateSize(r.key(), r.value(), r.headers());
    }
    return BatchCodec.encode(ByteBufAllocator.DEFAULT, records, hint, pid, epoch, seq);
  }

  /** Two batches back to back (offsets 0-2 and 3-4), as a fetch response would hold them. */
  private static ByteBuffer twoBatches() {
    ByteBuf first = encode(records(0, 3), 7L, (short) 1, 0);
    ByteBuf second = encode(records(3, 2), 7L, (short) 1, 3);
    ByteBuffer both = ByteBuffer.allocate(first.readableBytes() + second.readableBytes());
    both.put(first.nioBuffer());
    ByteBuffer tail = second.nioBuffer();
    tail.putLong(0, 3L); // the base offset the broker assigns
    both.put(tail);
    first.release();
    second.release();
    return both.flip();
  }

  @Test
  void encode_threeRecords_kafkaReadsSameFieldsAndValidCrc() {
    ByteBuf encoded = encode(records(0, 3), 42L, (short) 3, 17);
    MemoryRecords kafka = MemoryRecords.readableRecords(encoded.nioBuffer());
    RecordBatch batch = kafka.batches().iterator().next();
    batch.ensureValid();
    assertEquals(42L, batch.producerId());
    assertEquals(3, batch.producerEpoch());
    assertEquals(17, batch.baseSequence());
    List<Record> records = new ArrayList<>();
    kafka.records().forEach(records::add);
    assertEquals(3, records.size());
    assertEquals(101, records.get(1).timestamp());
    assertNull(records.get(0).value());
    byte[] key = new byte[records.get(2).keySize()];
    records.get(2).key().get(key);
    assertArrayEquals("k2".getBytes(StandardCharsets.UTF_8), key);
    encoded.release();
  }

  @Test
  void decode_twoBatches_everyRecordWithOffsetsHeadersAndNextOffset() {
    BatchCodec.Decoded decoded = BatchCodec.decode(TP, twoBatches(), 0, true);
    assertEquals(5, decoded.records().size());
    assertEquals(5, decoded.nextOffset());
    assertEquals(2, decoded.completeBatches());
    for (int i = 0; i < 5; i++) {
      assertEquals(i, decoded.records().get(i).offset());
      assertEquals(100 + i, decoded.records().get(i).timestamp());
      assertEquals(List.of(Header.of("h", "x" + i)), decoded.records().get(i).headers());
    }
  }

  @Test
  void decode_fromOffsetInsideFirstBatch_skipsEarlierRecords() {
    BatchCodec.Decoded decoded = BatchCodec.decode(TP, twoBatches(), 2, true);
    assertEquals(List.of(2L, 3L, 4L), decoded.records().stream().map(r -> r.offset()).toList());
  }

  @Test
  void decode_trailingPartialBatch_returnsCompleteOnesAndStopsBeforeIt() {
    ByteBuffer both = twoBatches();
    for (int cut = 1; cut < both.limit() - 1; cut += 7) {
      ByteBuffer truncated = both.duplicate().limit(both.limit() - cut);
      BatchCodec.Decoded decoded = BatchCodec.decode(TP, truncated, 0, true);
      int expected = decoded.completeBatches() == 2 ? 5 : decoded.completeBatches() == 1 ? 3 : 0;
      assertEquals(expected, decoded.records().size(), "cut=" + cut);
      assertEquals(expected, decoded.nextOffset(), "cut=" + cut);
    }
  }

  @Test
  void decode_flippedByteInRecords_failsWithCorruptMessageNamingOffset() {
    ByteBuffer both = twoBatches();
    both.put(both.limit() - 2, (byte) (both.get(both.limit() - 2) ^ 1));
    SluiceClientException e =
        assertThrows(SluiceClientException.class, () -> BatchCodec.decode(TP, both, 0, true));
    assertEquals(Errors.CORRUPT_MESSAGE, e.error());
    assertEquals(TP, e.topicPartition());
    assertEquals(true, e.getMessage().contains("t-0 at offset 3"), e.getMessage());
  }
}
