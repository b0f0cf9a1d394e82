package io.sluice.protocol.record;

import static io.sluice.protocol.record.TestBatches.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocol.Errors;
import io.sluice.protocol.record.TestBatches.Input;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Byte compatibility with kafka-clients 4.4.0 in both directions: batches we build pass Kafka's
 * {@code ensureValid()} and read back identically through Kafka's record classes; batches Kafka
 * builds (uncompressed and with each codec) pass our {@code validate()}. The records of compressed
 * batches, both ways: {@link CompressionCompatibilityTest}.
 */
class KafkaCompatibilityTest {
  private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

  static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
    return headers.stream()
        .map(h -> new RecordHeader(h.key(), bytes(h.value())))
        .toArray(org.apache.kafka.common.header.Header[]::new);
  }

  static ByteBuffer kafkaBatch(List<Input> inputs, Compression compression, long baseOffset) {
    MemoryRecordsBuilder builder =
        MemoryRecords.builder(
            ByteBuffer.allocate(1024),
            org.apache.kafka.common.record.internal.RecordBatch.MAGIC_VALUE_V2,
            compression,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME,
            baseOffset,
            org.apache.kafka.common.record.internal.RecordBatch.NO_TIMESTAMP,
            4242L,
            (short) 7,
            100,
            false,
            3);
    for (Input input : inputs) {
      builder.append(input.timestamp(), input.key(), input.value(), kafkaHeaders(input.headers()));
    }
    return builder.build().buffer();
  }

  @Test
  void ourBatches_readByKafka_identicalFields() {
    Random random = new Random(11);
    for (int round = 0; round < 30; round++) {
      List<Input> inputs =
          TestBatches.randomInputs(random, 1 + random.nextInt(100), BASE_TIMESTAMP);
      ByteBuffer ours = TestBatches.build(inputs);
      RecordBatch.at(ours, 0).setBaseOffset(500L * round);

      List<MutableRecordBatch> batches = new ArrayList<>();
      MemoryRecords.readableRecords(ours.duplicate()).batches().forEach(batches::add);
      assertEquals(1, batches.size());
      MutableRecordBatch kafka = batches.get(0);
      kafka.ensureValid();
      assertEquals(ours.remaining(), kafka.sizeInBytes());
      assertEquals(500L * round, kafka.baseOffset());
      assertEquals(500L * round + inputs.size() - 1, kafka.lastOffset());
      assertEquals(inputs.size(), kafka.countOrNull());
      assertEquals(4242L, kafka.producerId());
      assertEquals(7, kafka.producerEpoch());
      assertEquals(100, kafka.baseSequence());
      assertEquals(100 + inputs.size() - 1, kafka.lastSequence());
      assertEquals(3, kafka.partitionLeaderEpoch());
      assertEquals(
          inputs.stream().mapToLong(Input::timestamp).max().orElseThrow(), kafka.maxTimestamp());
      assertEquals(RecordBatch.at(ours, 0).crc(), kafka.checksum());

      int i = 0;
      for (org.apache.kafka.common.record.internal.Record record : kafka) {
        Input input = inputs.get(i);
        record.ensureValid();
        assertEquals(500L * round + i, record.offset());
        assertEquals(100 + i, record.sequence());
        assertEquals(input.timestamp(), record.timestamp());
        assertArrayEquals(input.key(), bytes(record.key()), "key " + i);
        assertArrayEquals(input.value(), bytes(record.value()), "value " + i);
        org.apache.kafka.common.header.Header[] headers = record.headers();
        assertEquals(input.headers().size(), headers.length);
        for (int h = 0; h < headers.length; h++) {
          assertEquals(input.headers().get(h).key(), headers[h].key());
          assertArrayEquals(bytes(input.headers().get(h).value()), headers[h].value());
        }
        i++;
      }
      assertEquals(inputs.size(), i);
    }
  }

  @Test
  void kafkaUncompressedBatches_validatedAndReadByUs_identicalFields() {
    Random random = new Random(12);
    for (int round = 0; round < 30; round++) {
      List<Input> inputs =
          TestBatches.randomInputs(random, 1 + random.nextInt(100), BASE_TIMESTAMP);
      ByteBuffer kafka = kafkaBatch(inputs, Compression.NONE, 0);
      // Our builder makes the same bytes from the same records.
      assertEquals(kafka, TestBatches.build(inputs), "byte-identical batch in round " + round);

      RecordBatch batch = RecordBatch.at(kafka, 0);
      batch.validate();
      assertEquals(inputs.size(), batch.recordCount());
      assertEquals(4242L, batch.producerId());
      int i = 0;
      for (Record record : batch) {
        Input input = inputs.get(i);
        assertEquals(i, record.offset());
        assertEquals(input.timestamp(), record.timestamp());
        assertArrayEquals(input.key(), bytes(record.key()));
        assertArrayEquals(input.value(), bytes(record.value()));
        assertEquals(input.headers(), record.headers());
        i++;
      }
      assertEquals(inputs.size(), i);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
  void kafkaCompressedBatches_passValidate_headerMatches(String codec) {
    Random random = new Random(13);
    List<Input> inputs = TestBatches.randomInputs(random, 200, BASE_TIMESTAMP);
    ByteBuffer kafka;
    try {
      kafka = kafkaBatch(inputs, Compression.of(codec).build(), 0);
    } catch (LinkageError e) {
      // snappy, lz4 and zstd ship native code that may not load on this platform.
      Assumptions.abort(codec + " unavailable: " + e);
      return;
    }
    RecordBatch batch = RecordBatch.at(kafka, 0);
    batch.validate();
    assertEquals(codec, batch.compressionType().label());
    assertEquals(200, batch.recordCount());
    assertEquals(199, batch.lastOffsetDelta());
    assertEquals(4242L, batch.producerId());
    assertEquals(100, batch.baseSequence());
    assertEquals(inputs.get(0).timestamp(), batch.baseTimestamp());
    assertEquals(
        inputs.stream().mapToLong(Input::timestamp).max().orElseThrow(), batch.maxTimestamp());
    // The records themselves: CompressionCompatibilityTest.

    // A flipped bit in the compressed payload is caught by the CRC alone.
    int index = kafka.limit() - 5;
    kafka.put(index, (byte) (kafka.get(index) ^ 0x10));
    InvalidRecordException corrupt = assertThrows(InvalidRecordException.class, batch::validate);
    assertEquals(Errors.CORRUPT_MESSAGE, corrupt.error());
  }

  @Test
  void kafkaMultiBatchBuffer_iteratedByUs_batchBoundariesMatch() {
    Random random = new Random(14);
    ByteBuffer all = ByteBuffer.allocate(1 << 20);
    List<Integer> sizes = new ArrayList<>();
    long offset = 0;
    for (int b = 0; b < 20; b++) {
      List<Input> inputs = TestBatches.randomInputs(random, 1 + random.nextInt(30), BASE_TIMESTAMP);
      ByteBuffer batch = kafkaBatch(inputs, Compression.NONE, offset);
      offset += inputs.size();
      sizes.add(batch.remaining());
      all.put(batch);
    }
    all.flip();
    List<Integer> seen = new ArrayList<>();
    long nextOffset = 0;
    for (RecordBatch batch : RecordBatches.iterate(all)) {
      batch.validate();
      assertEquals(nextOffset, batch.baseOffset());
      nextOffset = batch.nextOffset();
      seen.add(batch.sizeInBytes());
    }
    assertEquals(sizes, seen);
    assertEquals(offset, nextOffset);
  }
}
