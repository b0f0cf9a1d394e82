package io.sluice.protocol.record;

import static io.sluice.protocol.record.TestBatches.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.record.TestBatches.Input;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compressed batches with kafka-clients 4.4.0, both ways, for every codec at several levels:
 * batches Kafka compresses read back through our views with every field and record intact, and
 * batches we compress pass Kafka's {@code ensureValid()} and read back identically through Kafka's
 * own codecs. Records are partly compressible (repeated keys, text-like values) so that lz4 and
 * snappy emit compressed blocks as well as stored ones.
 */
class CompressionCompatibilityTest {
  private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

  private static List<Input> inputs(long seed, int count) {
    Random random = new Random(seed);
    List<Input> inputs =
        new ArrayList<>(TestBatches.randomInputs(random, count / 2, BASE_TIMESTAMP));
    for (int i = inputs.size(); i < count; i++) {
      byte[] value = new byte[random.nextInt(2000)];
      for (int b = 0; b < value.length; b++) {
        value[b] = (byte) ('a' + random.nextInt(6));
      }
      inputs.add(
          new Input(
              BASE_TIMESTAMP + i,
              TestBatches.utf8("key-" + (i % 17)),
              value,
              List.of(Header.of("trace", TestBatches.utf8("t-" + i)))));
    }
    return inputs;
  }

  private static org.apache.kafka.common.compress.Compression kafkaCompression(
      String codec, int level) {
    return switch (codec) {
      case "gzip" -> org.apache.kafka.common.compress.Compression.gzip().level(level).build();
      case "snappy" -> org.apache.kafka.common.compress.Compression.snappy().build();
      case "lz4" -> org.apache.kafka.common.compress.Compression.lz4().level(level).build();
      case "zstd" -> org.apache.kafka.common.compress.Compression.zstd().level(level).build();
      default -> throw new IllegalArgumentException(codec);
    };
  }

  private static Compression ours(String codec, int level) {
    CompressionType type = CompressionType.valueOf(codec.toUpperCase(java.util.Locale.ROOT));
    return Compression.of(type, type == CompressionType.SNAPPY ? 0 : level);
  }

  @ParameterizedTest
  @CsvSource({
    "gzip, -1",
    "gzip, 1",
    "gzip, 9",
    "snappy, 0",
    "lz4, 9",
    "lz4, 1",
    "lz4, 17",
    "zstd, 3",
    "zstd, -5",
    "zstd, 19"
  })
  void kafkaCompressedBatch_readByUs_everyRecordIdentical(String codec, int level) {
    List<Input> inputs = inputs(21 + level, 300);
    ByteBuffer kafka =
        KafkaCompatibilityTest.kafkaBatch(inputs, kafkaCompression(codec, level), 1000L);
    RecordBatch batch = RecordBatch.at(kafka, 0);
    batch.validate();
    assertEquals(codec, batch.compressionType().label());

    RecordBatch plain = batch.decompress();
    plain.validate();
    assertEquals(CompressionType.NONE, plain.compressionType());
    assertEquals(batch.baseOffset(), plain.baseOffset());
    assertEquals(batch.producerId(), plain.producerId());
    assertEquals(batch.producerEpoch(), plain.producerEpoch());
    assertEquals(batch.baseSequence(), plain.baseSequence());
    assertEquals(batch.maxTimestamp(), plain.maxTimestamp());
    assertEquals(batch.partitionLeaderEpoch(), plain.partitionLeaderEpoch());
    assertRecords(inputs, batch, 1000L);
  }

  @ParameterizedTest
  @CsvSource({
    "gzip, -1",
    "gzip, 1",
    "gzip, 9",
    "snappy, 0",
    "lz4, 9",
    "lz4, 1",
    "lz4, 17",
    "zstd, 3",
    "zstd, -5",
    "zstd, 19"
  })
  void ourCompressedBatch_readByKafka_everyRecordIdentical(String codec, int level) {
    List<Input> inputs = inputs(31 + level, 300);
    ByteBuffer ours = TestBatches.build(inputs, ours(codec, level));
    RecordBatch.at(ours, 0).setBaseOffset(77L);
    RecordBatch.at(ours, 0).validate();
    assertEquals(codec, RecordBatch.at(ours, 0).compressionType().label());

    List<MutableRecordBatch> batches = new ArrayList<>();
    MemoryRecords.readableRecords(ours.duplicate()).batches().forEach(batches::add);
    assertEquals(1, batches.size());
    MutableRecordBatch kafka = batches.get(0);
    kafka.ensureValid();
    assertEquals(codec, kafka.compressionType().name);
    assertEquals(inputs.size(), kafka.countOrNull());
    assertEquals(4242L, kafka.producerId());
    assertEquals(100, kafka.baseSequence());
    int i = 0;
    for (org.apache.kafka.common.record.internal.Record record : kafka) {
      Input input = inputs.get(i);
      assertEquals(77L + i, record.offset());
      assertEquals(100 + i, record.sequence());
      assertEquals(input.timestamp(), record.timestamp());
      assertArrayEquals(input.key(), bytes(record.key()), "key " + i);
      assertArrayEquals(input.value(), bytes(record.value()), "value " + i);
      assertEquals(input.headers().size(), record.headers().length);
      for (int h = 0; h < input.headers().size(); h++) {
        assertEquals(input.headers().get(h).key(), record.headers()[h].key());
        assertArrayEquals(bytes(input.headers().get(h).value()), record.headers()[h].value());
      }
      i++;
    }
    assertEquals(inputs.size(), i);
    // And our own reader agrees.
    assertRecords(inputs, RecordBatch.at(ours, 0), 77L);
  }

  static void assertRecords(List<Input> inputs, RecordBatch batch, long baseOffset) {
    int i = 0;
    for (Record record : batch) {
      Input input = inputs.get(i);
      assertEquals(baseOffset + i, record.offset());
      assertEquals(input.timestamp(), record.timestamp());
      assertArrayEquals(input.key(), bytes(record.key()), "key " + i);
      assertArrayEquals(input.value(), bytes(record.value()), "value " + i);
      assertEquals(input.headers(), record.headers());
      i++;
    }
    assertEquals(inputs.size(), i);
  }
}
