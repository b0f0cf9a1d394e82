package io.sluice.protocol.record;

import static io.sluice.protocol.record.TestBatches.bytes;
import static io.sluice.protocol.record.TestBatches.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.TestBatches.Input;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordBatchBuilderTest {

  private static List<Record> records(RecordBatch batch) {
    List<Record> records = new ArrayList<>();
    batch.forEach(records::add);
    return records;
  }

  private static void assertSameRecords(List<Input> inputs, RecordBatch batch) {
    List<Record> records = records(batch);
    assertEquals(inputs.size(), records.size());
    for (int i = 0; i < inputs.size(); i++) {
      Input input = inputs.get(i);
      Record record = records.get(i);
      assertEquals(batch.baseOffset() + i, record.offset(), "offset of record " + i);
      assertEquals(i, record.offsetDelta());
      assertEquals(input.timestamp(), record.timestamp(), "timestamp of record " + i);
      assertArrayEquals(input.key(), bytes(record.key()), "key of record " + i);
      assertArrayEquals(input.value(), bytes(record.value()), "value of record " + i);
      assertEquals(input.key() == null ? -1 : input.key().length, record.keySize());
      assertEquals(input.value() == null ? -1 : input.value().length, record.valueSize());
      List<Header> headers = record.headers();
      assertEquals(input.headers().size(), headers.size());
      for (int h = 0; h < headers.size(); h++) {
        assertEquals(input.headers().get(h).key(), headers.get(h).key());
        assertEquals(input.headers().get(h).value(), headers.get(h).value());
      }
    }
  }

  @Test
  void build_headerFields_readBackByView() {
    ByteBuffer built =
        new RecordBatchBuilder()
            .baseOffset(1000)
            .producer(77L, (short) 5, Integer.MAX_VALUE - 1)
            .transactional(true)
            .partitionLeaderEpoch(9)
            .append(500L, utf8("a"), utf8("1"))
            .append(400L, null, utf8("2"))
            .append(700L, utf8("c"), null)
            .build();
    RecordBatch batch = RecordBatch.at(built, 0);
    batch.validate();
    assertEquals(built.remaining(), batch.sizeInBytes());
    assertEquals(batch.sizeInBytes() - 12, batch.batchLength());
    assertEquals(1000, batch.baseOffset());
    assertEquals(1002, batch.lastOffset());
    assertEquals(1003, batch.nextOffset());
    assertEquals(2, batch.lastOffsetDelta());
    assertEquals(3, batch.recordCount());
    assertEquals(9, batch.partitionLeaderEpoch());
    assertEquals(2, batch.magic());
    assertEquals(batch.computeCrc(), batch.crc());
    assertEquals(0x10, batch.attributes());
    assertTrue(batch.isTransactional());
    assertFalse(batch.isControlBatch());
    assertEquals(CompressionType.NONE, batch.compressionType());
    assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
    assertEquals(500L, batch.baseTimestamp());
    assertEquals(700L, batch.maxTimestamp());
    assertEquals(77L, batch.producerId());
    assertEquals(5, batch.producerEpoch());
    assertEquals(Integer.MAX_VALUE - 1, batch.baseSequence());
    // Sequences wrap to 0 after Integer.MAX_VALUE: MAX-1, MAX, 0.
    assertEquals(0, batch.lastSequence());
    List<Record> records = records(batch);
    assertEquals(-100L, records.get(1).timestampDelta());
    assertEquals(Integer.MAX_VALUE, records.get(1).sequence());
    assertEquals(0, records.get(2).sequence());
  }

  @Test
  void build_exactByteLayout_matchesHandEncodedBatch() {
    ByteBuffer built =
        new RecordBatchBuilder().baseTimestamp(10).append(10, null, new byte[] {42}).build();
    // Record: length=7 (zig-zag 14), attributes 0, tsDelta 0, offsetDelta 0, key -1 (1),
    // valueLength 1 (2), value 42, headerCount 0.
    byte[] record = {14, 0, 0, 0, 1, 2, 42, 0};
    assertEquals(61 + record.length, built.remaining());
    byte[] all = bytes(built);
    byte[] tail = java.util.Arrays.copyOfRange(all, 61, all.length);
    assertArrayEquals(record, tail);
    assertEquals(61 + record.length - 12, built.getInt(8));
    assertEquals(-1, built.getInt(12)); // no partition leader epoch
    assertEquals(2, built.get(16));
    assertEquals(0, built.getInt(23)); // lastOffsetDelta
    assertEquals(-1L, built.getLong(43)); // producerId
    assertEquals(1, built.getInt(57));
  }

  @Test
  void build_randomRecords_roundTrip() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      List<Input> inputs =
          TestBatches.randomInputs(random, 1 + random.nextInt(200), 1_700_000_000_000L);
      RecordBatch batch = RecordBatch.at(TestBatches.build(inputs), 0);
      batch.validate();
      assertSameRecords(inputs, batch);
      assertEquals(
          inputs.stream().mapToLong(Input::timestamp).max().orElseThrow(), batch.maxTimestamp());
      assertEquals(inputs.get(0).timestamp(), batch.baseTimestamp());
    }
  }

  @Test
  void build_emptyValuesNullKeysAndHeaders_roundTrip() {
    List<Input> inputs =
        List.of(
            new Input(1, null, null, List.of()),
            new Input(2, new byte[0], new byte[0], List.of(Header.of("k", new byte[0]))),
            new Input(3, null, utf8("v"), List.of(Header.of("", null), Header.of("x", utf8("y")))));
    RecordBatch batch = RecordBatch.at(TestBatches.build(inputs), 0);
    batch.validate();
    assertSameRecords(inputs, batch);
    List<Record> records = records(batch);
    assertNull(records.get(0).key());
    assertNull(records.get(0).value());
    assertEquals(0, records.get(1).key().remaining());
    assertNull(records.get(2).headers().get(0).value());
  }

  @Test
  void build_extremeTimestamps_roundTrip() {
    // Deltas of +/- 2^62 and Long.MIN/MAX timestamps need 10-byte varlongs.
    List<Input> inputs =
        List.of(
            new Input(0L, null, utf8("a"), List.of()),
            new Input(Long.MAX_VALUE / 2, null, utf8("b"), List.of()),
            new Input(Long.MIN_VALUE / 2, null, utf8("c"), List.of()),
            new Input(-1L, null, utf8("d"), List.of()));
    RecordBatch batch = RecordBatch.at(TestBatches.build(inputs), 0);
    batch.validate();
    assertSameRecords(inputs, batch);
    assertEquals(Long.MAX_VALUE / 2, batch.maxTimestamp());

    ByteBuffer max =
        new RecordBatchBuilder()
            .baseTimestamp(Long.MIN_VALUE + 1)
            .append(Long.MAX_VALUE, null, utf8("x"))
            .build();
    RecordBatch maxBatch = RecordBatch.at(max, 0);
    maxBatch.validate();
    // The delta overflows a long and wraps; baseTimestamp + delta wraps back to the timestamp.
    assertEquals(Long.MAX_VALUE, records(maxBatch).get(0).timestamp());
  }

  @Test
  void build_manyRecords_offsetsAndSizeExact() {
    RecordBatchBuilder builder = new RecordBatchBuilder(16);
    for (int i = 0; i < 10_000; i++) {
      builder.append(i, null, utf8("v" + i));
    }
    ByteBuffer built = builder.build();
    assertEquals(builder.sizeInBytes(), built.remaining());
    RecordBatch batch = RecordBatch.at(built, 0);
    batch.validate();
    assertEquals(10_000, batch.recordCount());
    assertEquals(9_999, batch.lastOffsetDelta());
    int i = 0;
    int sum = 61;
    for (Record record : batch) {
      assertEquals(i, record.offset());
      assertArrayEquals(utf8("v" + i), bytes(record.value()));
      sum += record.sizeInBytes();
      i++;
    }
    assertEquals(10_000, i);
    assertEquals(built.remaining(), sum);
  }

  @Test
  void sizeInBytes_duringAppends_equalsFinalSize() {
    RecordBatchBuilder builder = new RecordBatchBuilder();
    assertEquals(61, builder.sizeInBytes());
    builder.append(1, utf8("k"), utf8("value"), Header.of("h", utf8("v")));
    int size = builder.estimatedSizeInBytes();
    assertEquals(size, builder.build().remaining());
  }

  @Test
  void hasRoomFor_atBatchSizeLimit_refusesRecordThatOverflows() {
    RecordBatchBuilder builder = new RecordBatchBuilder();
    ByteBuffer value = ByteBuffer.wrap(new byte[100]);
    assertTrue(builder.hasRoomFor(0, null, value, 10)); // the first record always fits
    builder.append(0, null, value);
    int size = builder.sizeInBytes();
    // A second identical record takes the same bytes, its offsetDelta still one byte.
    int recordSize = size - 61;
    assertTrue(builder.hasRoomFor(0, null, value, size + recordSize));
    assertFalse(builder.hasRoomFor(0, null, value, size + recordSize - 1));
    builder.append(0, null, value);
    assertEquals(size + recordSize, builder.sizeInBytes());
  }

  @Test
  void build_intoCallerBuffer_writesBackToBackAndMovesPosition() {
    ByteBuffer target = ByteBuffer.allocate(1000).order(ByteOrder.LITTLE_ENDIAN);
    target.position(5);
    ByteBuffer first = new RecordBatchBuilder(target).append(1, null, utf8("one")).build();
    assertEquals(5 + first.remaining(), target.position());
    ByteBuffer second = new RecordBatchBuilder(target).append(2, null, utf8("two")).build();
    assertEquals(5 + first.remaining() + second.remaining(), target.position());

    ByteBuffer both = target.duplicate().flip().position(5);
    List<String> values = new ArrayList<>();
    for (RecordBatch batch : RecordBatches.iterate(both)) {
      batch.validate();
      for (Record record : batch) {
        values.add(new String(bytes(record.value()), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    assertEquals(List.of("one", "two"), values);
  }

  @Test
  void append_intoFullCallerBuffer_throwsAndKeepsBatchValid() {
    ByteBuffer target = ByteBuffer.allocate(100);
    RecordBatchBuilder builder = new RecordBatchBuilder(target).append(1, null, new byte[20]);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> builder.append(2, null, new byte[20]));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    RecordBatch batch = RecordBatch.at(builder.build(), 0);
    batch.validate();
    assertEquals(1, batch.recordCount());
  }

  @Test
  void build_emptyBatch_isValidWithNoRecords() {
    RecordBatch batch = RecordBatch.at(new RecordBatchBuilder().build(), 0);
    batch.validate();
    assertEquals(61, batch.sizeInBytes());
    assertEquals(0, batch.recordCount());
    assertEquals(-1, batch.lastOffsetDelta());
    assertEquals(-1L, batch.maxTimestamp());
    assertFalse(batch.iterator().hasNext());
  }

  @Test
  void append_afterBuild_throws() {
    RecordBatchBuilder builder = new RecordBatchBuilder();
    builder.build();
    assertThrows(IllegalStateException.class, () -> builder.append(1, null, new byte[1]));
  }

  @Test
  void setters_patchOutsideCrc_batchStaysValid() {
    ByteBuffer built = new RecordBatchBuilder().append(1, null, utf8("x")).build();
    RecordBatch batch = RecordBatch.at(built, 0);
    long crc = batch.crc();
    batch.setBaseOffset(123_456_789L);
    batch.setPartitionLeaderEpoch(17);
    batch.validate();
    assertEquals(crc, batch.crc());
    assertEquals(123_456_789L, built.getLong(0));
    assertEquals(17, built.getInt(12));
    assertEquals(123_456_789L, batch.iterator().next().offset());
  }

  @Test
  void logAppendTime_recordTimestamps_areBatchMaxTimestamp() {
    ByteBuffer built =
        new RecordBatchBuilder()
            .timestampType(TimestampType.LOG_APPEND_TIME)
            .append(5, null, utf8("a"))
            .append(9, null, utf8("b"))
            .build();
    RecordBatch batch = RecordBatch.at(built, 0);
    batch.validate();
    assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
    for (Record record : batch) {
      assertEquals(9, record.timestamp());
    }
  }

  @Test
  void emptyBatch_spanningOffsets_validNoRecordsAndKafkaReadsIt() {
    ByteBuffer empty = RecordBatchBuilder.emptyBatch(100L, 149L, 1_000L, 2_000L, 3);
    RecordBatch batch = RecordBatch.at(empty, 0);
    batch.validate();
    assertEquals(RecordBatch.HEADER_SIZE, batch.sizeInBytes());
    assertEquals(0, batch.recordCount());
    assertEquals(149L, batch.lastOffset());
    assertEquals(150L, batch.nextOffset());
    assertEquals(-1L, batch.producerId());
    assertEquals(3, batch.partitionLeaderEpoch());
    assertEquals(2_000L, batch.maxTimestamp());
    assertFalse(batch.iterator().hasNext());
    var kafka =
        org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(empty.duplicate())
            .batches()
            .iterator()
            .next();
    kafka.ensureValid();
    assertEquals(100L, kafka.baseOffset());
    assertEquals(149L, kafka.lastOffset());
    assertEquals(0, kafka.countOrNull());
    assertThrows(
        IllegalArgumentException.class, () -> RecordBatchBuilder.emptyBatch(10L, 9L, 0L, 0L, 0));
  }
}
