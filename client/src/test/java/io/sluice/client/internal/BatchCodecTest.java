package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.client.Header;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

  static List<PendingRecord> records(int from, int count) {
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

  static ByteBuf encode(List<PendingRecord> records, long pid, short epoch, int seq) {
    int hint = 0;
    for (PendingRecord r : records) {
      hint += PendingRecord.estimateSize(r.key(), r.value(), r.headers());
    }
    return BatchCodec.encode(ByteBufAllocator.DEFAULT, records, hint, pid, epoch, seq);
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
}
