package io.sluice.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.record.TestBatches.Input;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The codecs on their own and inside batches: round trips, empty batches, damaged input, levels.
 */
class CompressionTest {
  private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

  private static byte[] compress(Compression compression, byte[] input) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = compression.wrapForOutput(sink)) {
      out.write(input);
    }
    return sink.toByteArray();
  }

  private static byte[] decompress(Compression compression, byte[] compressed) throws IOException {
    try (InputStream in = compression.wrapForInput(ByteBuffer.wrap(compressed))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void stream_roundTrip_sizesAcrossBlockBoundaries(CompressionType type) throws IOException {
    Random random = new Random(5);
    for (int size : new int[] {0, 1, 100, 65_535, 65_536, 65_537, 300_000}) {
      byte[] input = new byte[size];
      for (int i = 0; i < size; i++) {
        // Half random, half repetitive: some blocks compress, some do not.
        input[i] = i % 2 == 0 ? (byte) random.nextInt() : (byte) (i / 1000);
      }
      Compression compression = Compression.of(type);
      byte[] compressed = compress(compression, input);
      assertArrayEquals(input, decompress(compression, compressed), type + " size=" + size);
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void batch_roundTrip_fieldsAndRecordsSurvive(CompressionType type) {
    List<Input> inputs = TestBatches.randomInputs(new Random(6), 500, BASE_TIMESTAMP);
    ByteBuffer built = TestBatches.build(inputs, Compression.of(type));
    RecordBatch batch = RecordBatch.at(built, 0);
    batch.validate();
    assertEquals(type, batch.compressionType());
    assertEquals(500, batch.recordCount());
    assertEquals(499, batch.lastOffsetDelta());
    assertEquals(4242L, batch.producerId());
    assertEquals(7, batch.producerEpoch());
    assertEquals(100, batch.baseSequence());
    assertEquals(3, batch.partitionLeaderEpoch());
    CompressionCompatibilityTest.assertRecords(inputs, batch, 0L);
    // Decompressing gives exactly the batch the builder makes without a codec (CRC included).
    assertEquals(TestBatches.build(inputs), batch.decompress().slice());
  }

  @Test
  void compressibleRecords_shrink() {
    List<Input> inputs =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(
                i ->
                    new Input(
                        BASE_TIMESTAMP, TestBatches.utf8("k"), new byte[500], List.<Header>of()))
            .toList();
    int plain = TestBatches.build(inputs).remaining();
    for (CompressionType type : CompressionType.values()) {
      if (type != CompressionType.NONE) {
        int size = TestBatches.build(inputs, Compression.of(type)).remaining();
        assertTrue(size < plain / 10, type + ": " + size + " of " + plain);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void emptyBatch_roundTrip_noRecords(CompressionType type) {
    ByteBuffer built =
        new RecordBatchBuilder()
            .producer(9L, (short) 0, 0)
            .compression(Compression.of(type))
            .build();
    RecordBatch batch = RecordBatch.at(built, 0);
    batch.validate();
    assertEquals(type, batch.compressionType());
    assertEquals(0, batch.recordCount());
    assertTrue(batch.sizeInBytes() > RecordBatch.HEADER_SIZE, "a codec frame of no bytes");
    assertFalse(batch.iterator().hasNext());
    assertEquals(RecordBatch.HEADER_SIZE, batch.decompress().sizeInBytes());
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void damagedPayload_withValidCrc_failsCorruptMessageNamingCodecAndOffset(CompressionType type) {
    List<Input> inputs = TestBatches.randomInputs(new Random(7), 50, BASE_TIMESTAMP);
    for (int damage = 0; damage < 3; damage++) {
      ByteBuffer built = TestBatches.build(inputs, Compression.of(type));
      int payload = built.remaining() - RecordBatch.HEADER_SIZE;
      switch (damage) {
        case 0 -> { // the codec's own header
          built.put(RecordBatch.HEADER_SIZE, (byte) (built.get(RecordBatch.HEADER_SIZE) ^ 0xFF));
          built.put(
              RecordBatch.HEADER_SIZE + 1, (byte) (built.get(RecordBatch.HEADER_SIZE + 1) ^ 0xFF));
        }
        case 1 -> { // cut short: drop the last third of the payload
          int cut = payload / 3;
          ByteBuffer shorter = ByteBuffer.allocate(built.remaining() - cut);
          shorter.put(built.slice(0, shorter.capacity()));
          shorter.putInt(
              RecordBatch.BATCH_LENGTH_OFFSET, shorter.capacity() - RecordBatch.LOG_OVERHEAD);
          built = shorter.flip();
        }
        default -> { // garbage in the middle
          for (int i = 0; i < 16; i++) {
            int at = RecordBatch.HEADER_SIZE + payload / 2 + i;
            built.put(at, (byte) (built.get(at) ^ 0x5A));
          }
        }
      }
      RecordBatch batch = RecordBatch.at(built, 0);
      batch.setBaseOffset(4000L);
      // A producer that compressed garbage: the CRC is fine, the records are not.
      built.putInt(RecordBatch.CRC_OFFSET, (int) batch.computeCrc());
      batch.validate();
      ByteBuffer damaged = built;
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () -> consume(RecordBatch.at(damaged, 0)),
              type + " damage " + damage);
      if (e instanceof InvalidRecordException invalid) {
        // Most damage stops decompression; some decompresses into records that do not parse.
        assertTrue(
            invalid.error() == Errors.CORRUPT_MESSAGE || invalid.error() == Errors.INVALID_RECORD,
            invalid.toString());
        if (invalid.error() == Errors.CORRUPT_MESSAGE) {
          assertTrue(
              e.getMessage().startsWith(type.label() + " records of the batch"), e.getMessage());
          assertTrue(e.getMessage().contains("baseOffset=4000"), e.getMessage());
        }
      } else {
        throw new AssertionError(type + " damage " + damage + " gave " + e, e);
      }
    }
  }

  private static int consume(RecordBatch batch) {
    int n = 0;
    for (Record r : batch) {
      n += r.sizeInBytes();
    }
    return n;
  }

  @Test
  void unknownCodecId_decompress_failsUnsupportedCompressionType() {
    ByteBuffer built =
        TestBatches.build(TestBatches.randomInputs(new Random(8), 3, BASE_TIMESTAMP));
    built.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
    io.sluice.protocol.SluiceException e =
        assertThrows(
            io.sluice.protocol.SluiceException.class, () -> RecordBatch.at(built, 0).decompress());
    assertEquals(Errors.UNSUPPORTED_COMPRESSION_TYPE, e.error());
  }

  @Test
  void levels_outOfRange_refusedWithCodecAndLevelNamed() {
    assertEquals(
        "gzip has no compression level 10",
        assertThrows(IllegalArgumentException.class, () -> Compression.of(CompressionType.GZIP, 10))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Compression.of(CompressionType.LZ4, 18));
    assertThrows(IllegalArgumentException.class, () -> Compression.of(CompressionType.ZSTD, 23));
    assertThrows(IllegalArgumentException.class, () -> Compression.of(CompressionType.SNAPPY, 1));
    assertEquals(-1, Compression.of(CompressionType.GZIP).level());
    assertEquals(9, Compression.of(CompressionType.LZ4).level());
    assertEquals(3, Compression.of(CompressionType.ZSTD).level());
  }

  @Test
  void lz4Frame_header_isKafkasForV2() throws IOException {
    byte[] frame = compress(Compression.of(CompressionType.LZ4), new byte[10]);
    // magic 0x184D2204 little-endian, FLG 0x60, BD 0x40, then the descriptor checksum
    assertArrayEquals(
        new byte[] {0x04, 0x22, 0x4D, 0x18, 0x60, 0x40}, java.util.Arrays.copyOf(frame, 6));
    assertEquals(Lz4FrameOutputStream.headerChecksum(new byte[] {0x60, 0x40}, 0, 2), frame[6]);
    // ends with the end mark
    assertArrayEquals(
        new byte[4], java.util.Arrays.copyOfRange(frame, frame.length - 4, frame.length));
  }

  @Test
  void lz4Frame_withChecksumsAndContentSize_fromLz4Java_isRead() throws IOException {
    byte[] input = new byte[200_000];
    new Random(9).nextBytes(input);
    for (int i = 0; i < input.length; i += 3) {
      input[i] = 7;
    }
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out =
        new LZ4FrameOutputStream(
            sink,
            LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB,
            input.length,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
      out.write(input);
    }
    byte[] frame = sink.toByteArray();
    assertArrayEquals(input, decompress(Compression.of(CompressionType.LZ4), frame));
    // A flipped bit in a block fails its block checksum.
    frame[frame.length / 2] ^= 1;
    IOException e =
        assertThrows(
            IOException.class, () -> decompress(Compression.of(CompressionType.LZ4), frame));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void lz4Frame_blockLargerThanDeclared_failsBeforeReadingIt() throws IOException {
    byte[] frame = compress(Compression.of(CompressionType.LZ4), new byte[1000]);
    // First block size field at 7: claim 1 MiB in a 64 KiB frame.
    Lz4FrameOutputStream.writeIntLe(frame, 7, 1 << 20);
    IOException e =
        assertThrows(
            IOException.class, () -> decompress(Compression.of(CompressionType.LZ4), frame));
    assertEquals("lz4 block size=1048576 exceeds the frame's 65536", e.getMessage());
  }

  @Test
  void builderIntoCallerBuffer_compressedBatchTooBig_failsAndNamesSizes() {
    ByteBuffer target = ByteBuffer.allocateDirect(200);
    RecordBatchBuilder builder =
        new RecordBatchBuilder(target).compression(Compression.of(CompressionType.GZIP));
    byte[] random = new byte[120];
    new Random(10).nextBytes(random);
    builder.append(BASE_TIMESTAMP, null, random);
    // 61 + ~125 bytes of record fit; gzip adds ~20 bytes of framing to incompressible input.
    IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }

  @Test
  void builderIntoDirectCallerBuffer_compressed_roundTrip() {
    List<Input> inputs = TestBatches.randomInputs(new Random(11), 40, BASE_TIMESTAMP);
    ByteBuffer target = ByteBuffer.allocateDirect(64 * 1024);
    RecordBatchBuilder builder =
        new RecordBatchBuilder(target).compression(Compression.of(CompressionType.ZSTD));
    for (Input input : inputs) {
      builder.append(
          input.timestamp(), input.key(), input.value(), input.headers().toArray(new Header[0]));
    }
    ByteBuffer built = builder.build();
    assertEquals(built.remaining(), target.position());
    RecordBatch batch = RecordBatch.at(built, 0);
    batch.validate();
    CompressionCompatibilityTest.assertRecords(inputs, batch, 0L);
  }
}
