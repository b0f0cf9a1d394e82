package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.client.Header;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.CompressionType;
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
    return encode(records, pid, epoch, seq, Compression.none());
  }

  static ByteBuf encode(
      List<PendingRecord> records, long pid, short epoch, int seq, Compression compression) {
    int hint = 0;
    for (PendingRecord r : records) {
      hint += PendingRecord.estimateSize(r.key(), r.value(), r.headers());
    }
    return BatchCodec.encode(ByteBufAllocator.DEFAULT, records, hint, pid, epoch, seq, compression);
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
  void encode_compressed_kafkaDecompressesSameRecordsAndBufferIsExact() {
    for (CompressionType type : CompressionType.values()) {
      ByteBuf encoded = encode(records(0, 50), 42L, (short) 3, 17, Compression.of(type));
      try {
        check(encoded, type);
      } finally {
        encoded.release();
      }
    }
  }

  private static void check(ByteBuf encoded, CompressionType type) {
    if (type != CompressionType.NONE) {
      assertEquals(encoded.capacity(), encoded.readableBytes(), type + ": exact size");
    }
    MemoryRecords kafka = MemoryRecords.readableRecords(encoded.nioBuffer());
    RecordBatch batch = kafka.batches().iterator().next();
    batch.ensureValid();
    assertEquals(type.label(), batch.compressionType().name);
    assertEquals(17, batch.baseSequence());
    List<Record> records = new ArrayList<>();
    kafka.records().forEach(records::add);
    assertEquals(50, records.size());
    byte[] value = new byte[records.get(49).valueSize()];
    records.get(49).value().get(value);
    assertArrayEquals("v49".getBytes(StandardCharsets.UTF_8), value);
  }
}
