package io.sluice.protocol.record;

import static io.sluice.protocol.record.TestBatches.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.protocol.Errors;
import io.sluice.protocol.wire.Varints;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bad input never yields anything but {@link InvalidRecordException}. Inputs tried per run, all
 * seeded: every truncation of a 102-byte and a 1231-byte batch (1,333), the same with the length
 * and CRC made consistent (1,211), every single-bit flip of a 289-byte batch (2,312), 100,000
 * random buffers, 100,000 random-record batches under a valid header and CRC, 100,000 batches with
 * 1-8 random bytes changed and the CRC recomputed, and 21 hand-made huge or negative lengths and
 * counts: 304,877 inputs.
 */
class RecordBatchCorruptionTest {

  /** Three records, headers, null key and value: exercises every field of the record layout. */
  private static ByteBuffer smallBatch() {
    return new RecordBatchBuilder()
        .producer(9L, (short) 1, 0)
        .append(
            1_000, utf8("key"), utf8("value"), Header.of("h1", utf8("v1")), Header.of("h2", null))
        .append(990, null, new byte[0])
        .append(1_020, new byte[0], null, Header.of("", new byte[0]))
        .build();
  }

  private static ByteBuffer copy(ByteBuffer buf) {
    ByteBuffer copy = ByteBuffer.allocate(buf.remaining());
    copy.put(buf.duplicate()).flip();
    return copy;
  }

  /** Writes a correct CRC, so that only the structure checks stand between the bytes and use. */
  private static void fixCrc(ByteBuffer buf) {
    RecordBatch batch = RecordBatch.at(buf, 0);
    buf.putInt(RecordBatch.CRC_OFFSET, (int) batch.computeCrc());
  }

  /** Validates, then (if valid) reads every field of every record: no other exception allowed. */
  private static boolean validateAndRead(ByteBuffer buf) {
    try {
      RecordBatch batch = RecordBatch.at(buf, 0);
      batch.validate();
      if (batch.compressionType() != CompressionType.NONE) {
        return true; // opaque: header and CRC checked, nothing more to read
      }
      int count = 0;
      for (Record record : batch) {
        record.key();
        record.value();
        record.headers();
        count++;
      }
      assertEquals(batch.recordCount(), count);
      return true;
    } catch (InvalidRecordException e) {
      assertTrue(
          e.error() == Errors.CORRUPT_MESSAGE || e.error() == Errors.INVALID_RECORD, e.toString());
      assertTrue(e.getMessage().contains("position="), e.getMessage());
      return false;
    } catch (RuntimeException e) {
      throw new AssertionError("unexpected exception for input " + hex(buf), e);
    }
  }

  private static String hex(ByteBuffer buf) {
    StringBuilder s = new StringBuilder();
    for (int i = buf.position(); i < buf.limit(); i++) {
      s.append(String.format("%02x", buf.get(i)));
    }
    return s.toString();
  }

  @Test
  void validate_truncatedAtEveryByte_corruptMessage() {
    for (ByteBuffer batch : List.of(smallBatch(), TestBatches.fixedSize(10, 100, 1))) {
      int size = batch.remaining();
      for (int length = 0; length < size; length++) {
        ByteBuffer cut = copy(batch).limit(length);
        InvalidRecordException e =
            assertThrows(InvalidRecordException.class, () -> RecordBatch.at(cut, 0).validate());
        assertEquals(Errors.CORRUPT_MESSAGE, e.error(), "length " + length);
        // For a reader the same bytes are a partial tail: ignored, not an error.
        RecordBatchReader reader = new RecordBatchReader(cut);
        assertNull(reader.next(), "length " + length);
        assertEquals(0, reader.position());
        assertEquals(length, reader.remaining());
      }
    }
  }

  @Test
  void validate_truncatedWithConsistentLengthAndCrc_invalidRecord() {
    for (ByteBuffer batch : List.of(smallBatch(), TestBatches.fixedSize(10, 100, 1))) {
      int size = batch.remaining();
      for (int length = RecordBatch.HEADER_SIZE; length < size; length++) {
        ByteBuffer cut = copy(batch).limit(length);
        cut.putInt(RecordBatch.BATCH_LENGTH_OFFSET, length - RecordBatch.LOG_OVERHEAD);
        fixCrc(cut);
        InvalidRecordException e =
            assertThrows(InvalidRecordException.class, () -> RecordBatch.at(cut, 0).validate());
        assertEquals(Errors.INVALID_RECORD, e.error(), "length " + length + ": " + e.getMessage());
      }
    }
  }

  @Test
  void validate_everySingleBitFlip_detectedUnlessOutsideCrcByDesign() {
    ByteBuffer batch = TestBatches.fixedSize(3, 60, 2);
    int size = batch.remaining();
    int detected = 0;
    int undetectable = 0;
    for (int bit = 0; bit < size * 8; bit++) {
      ByteBuffer flipped = copy(batch);
      int index = bit / 8;
      flipped.put(index, (byte) (flipped.get(index) ^ (1 << (bit % 8))));
      boolean outsideCrc =
          index < RecordBatch.BATCH_LENGTH_OFFSET
              || (index >= RecordBatch.PARTITION_LEADER_EPOCH_OFFSET
                  && index < RecordBatch.MAGIC_OFFSET);
      try {
        RecordBatch.at(flipped, 0).validate();
        // baseOffset and partitionLeaderEpoch lie outside the CRC so that the broker can patch
        // them; a flip there is a different legal value, unless it makes the value negative.
        assertTrue(outsideCrc, "undetected flip of bit " + bit);
        undetectable++;
      } catch (InvalidRecordException e) {
        Errors expected = outsideCrc ? Errors.INVALID_RECORD : Errors.CORRUPT_MESSAGE;
        assertEquals(expected, e.error(), "bit " + bit + ": " + e.getMessage());
        detected++;
      }
    }
    // Every bit from batchLength to the end is caught (100%). Of the 96 bits of baseOffset and
    // partitionLeaderEpoch, the sign bit of baseOffset (0 -> negative) and 31 bits of the epoch
    // (-1 -> another negative value) are caught; the other 63 + 1 (epoch -1 -> Integer.MAX_VALUE)
    // give legal values.
    assertEquals(size * 8 - 64, detected);
    assertEquals(64, undetectable);
  }

  @Test
  void validate_randomBytes_onlyInvalidRecordException() {
    Random random = new Random(3);
    int valid = 0;
    for (int i = 0; i < 100_000; i++) {
      ByteBuffer buf = ByteBuffer.wrap(TestBatches.randomBytes(random, random.nextInt(300)));
      if (validateAndRead(buf)) {
        valid++;
      }
    }
    assertEquals(0, valid);
  }

  @Test
  void validate_randomRecordsUnderValidHeaderAndCrc_onlyInvalidRecordException() {
    Random random = new Random(4);
    int valid = 0;
    for (int i = 0; i < 100_000; i++) {
      int recordsLength = random.nextInt(64);
      ByteBuffer buf = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + recordsLength);
      buf.putInt(RecordBatch.BATCH_LENGTH_OFFSET, buf.capacity() - RecordBatch.LOG_OVERHEAD);
      buf.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
      int count = random.nextInt(4);
      buf.putInt(RecordBatch.RECORD_COUNT_OFFSET, count);
      buf.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, count - 1);
      for (int b = RecordBatch.HEADER_SIZE; b < buf.capacity(); b++) {
        // Small bytes make plausible varints (lengths, deltas) more often than uniform ones.
        buf.put(b, (byte) (random.nextBoolean() ? random.nextInt(8) : random.nextInt(256)));
      }
      fixCrc(buf);
      if (validateAndRead(buf)) {
        valid++;
      }
    }
    assertTrue(valid > 0, "the generator never produced a valid batch: the walk went untested");
  }

  @Test
  void validate_mutatedBatchesWithRecomputedCrc_onlyInvalidRecordException() {
    Random random = new Random(5);
    ByteBuffer original = smallBatch();
    int valid = 0;
    for (int i = 0; i < 100_000; i++) {
      ByteBuffer buf = copy(original);
      int mutations = 1 + random.nextInt(8);
      for (int m = 0; m < mutations; m++) {
        int index = RecordBatch.CRC_START_OFFSET + random.nextInt(buf.limit() - 21);
        buf.put(index, (byte) random.nextInt(256));
      }
      fixCrc(buf);
      if (validateAndRead(buf)) {
        valid++;
      }
    }
    // Some mutations only change a value byte or a timestamp: still a valid batch.
    assertTrue(valid > 0 && valid < 100_000, "valid=" + valid);
  }

  @Test
  void validate_recordCountMaxInt_failsFastWithoutAllocating() {
    ByteBuffer buf = smallBatch();
    buf.putInt(RecordBatch.RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
    buf.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, Integer.MAX_VALUE - 1);
    fixCrc(buf);
    RecordBatch batch = RecordBatch.at(buf, 0);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    InvalidRecordException e = assertThrows(InvalidRecordException.class, batch::validate);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertEquals(Errors.INVALID_RECORD, e.error());
    assertTrue(e.getMessage().contains("recordCount=2147483647"), e.getMessage());
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
  }

  @Test
  void at_hugeOrTinyBatchLength_corruptMessage() {
    for (int batchLength : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 48}) {
      ByteBuffer buf = smallBatch();
      buf.putInt(RecordBatch.BATCH_LENGTH_OFFSET, batchLength);
      InvalidRecordException e =
          assertThrows(InvalidRecordException.class, () -> RecordBatch.at(buf, 0));
      assertEquals(Errors.CORRUPT_MESSAGE, e.error());
      assertTrue(e.getMessage().contains("batchLength=" + batchLength), e.getMessage());
    }
  }

  @Test
  void validate_countAndLastOffsetDeltaDisagree_invalidRecord() {
    ByteBuffer buf = smallBatch();
    buf.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 5);
    fixCrc(buf);
    InvalidRecordException e =
        assertThrows(InvalidRecordException.class, () -> RecordBatch.at(buf, 0).validate());
    assertEquals(Errors.INVALID_RECORD, e.error());
    assertEquals("lastOffsetDelta=5 but recordCount=3 at position=0", e.getMessage());
  }

  @Test
  void validate_crcMismatch_namesBothValues() {
    ByteBuffer buf = smallBatch();
    long stored = RecordBatch.at(buf, 0).crc();
    buf.put(buf.limit() - 1, (byte) 0x55);
    long computed = RecordBatch.at(buf, 0).computeCrc();
    assertNotEquals(stored, computed);
    InvalidRecordException e =
        assertThrows(InvalidRecordException.class, () -> RecordBatch.at(buf, 0).validate());
    assertEquals("crc=" + stored + " computed=" + computed + " at position=0", e.getMessage());
  }

  @Test
  void validate_hugeLengthsInsideRecord_invalidRecord() {
    // A one-record batch whose fields we write by hand: each case breaks one length.
    int[][] cases = {
      // bodyLength, keyLength, valueLength, headerCount, headerKeyLength
      {Integer.MAX_VALUE, -1, 1, 0, 0},
      {-5, -1, 1, 0, 0},
      {0, Integer.MAX_VALUE, 1, 0, 0},
      {0, -2, 1, 0, 0},
      {0, -1, Integer.MAX_VALUE, 0, 0},
      {0, -1, Integer.MIN_VALUE, 0, 0},
      {0, -1, 1, Integer.MAX_VALUE, 0},
      {0, -1, 1, -1, 0},
      {0, -1, 1, 1, -1},
      {0, -1, 1, 1, Integer.MAX_VALUE},
    };
    for (int[] c : cases) {
      ByteBuffer records = ByteBuffer.allocate(64);
      records.position(5); // room for the length, written last
      records.put((byte) 0);
      Varints.writeVarlong(records, 0);
      Varints.writeVarint(records, 0);
      Varints.writeVarint(records, c[1]);
      Varints.writeVarint(records, c[2]);
      records.put((byte) 'v');
      Varints.writeVarint(records, c[3]);
      if (c[3] == 1) {
        Varints.writeVarint(records, c[4]);
      }
      int bodyLength = c[0] != 0 ? c[0] : records.position() - 5;
      ByteBuffer body = records.flip().position(5).slice();
      ByteBuffer buf = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + 5 + body.remaining());
      buf.position(RecordBatch.HEADER_SIZE);
      Varints.writeVarint(buf, bodyLength);
      buf.put(body);
      buf.flip();
      buf.putInt(RecordBatch.BATCH_LENGTH_OFFSET, buf.limit() - RecordBatch.LOG_OVERHEAD);
      buf.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
      buf.putInt(RecordBatch.RECORD_COUNT_OFFSET, 1);
      fixCrc(buf);
      try {
        RecordBatch.at(buf, 0).validate();
        fail("accepted case " + java.util.Arrays.toString(c));
      } catch (InvalidRecordException e) {
        assertEquals(Errors.INVALID_RECORD, e.error(), e.getMessage());
      }
    }
  }

  @Test
  void validate_trailingBytesAfterLastRecord_invalidRecord() {
    ByteBuffer original = smallBatch();
    ByteBuffer buf = ByteBuffer.allocate(original.remaining() + 3);
    buf.put(original.duplicate()).flip().limit(buf.capacity());
    buf.putInt(RecordBatch.BATCH_LENGTH_OFFSET, buf.limit() - RecordBatch.LOG_OVERHEAD);
    fixCrc(buf);
    InvalidRecordException e =
        assertThrows(InvalidRecordException.class, () -> RecordBatch.at(buf, 0).validate());
    assertEquals(Errors.INVALID_RECORD, e.error());
    assertTrue(e.getMessage().startsWith("3 bytes remain"), e.getMessage());
  }

  @Test
  void validate_wrongMagicOrCodec_rejected() {
    ByteBuffer magic = smallBatch();
    magic.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
    InvalidRecordException e =
        assertThrows(InvalidRecordException.class, () -> RecordBatch.at(magic, 0).validate());
    assertEquals(Errors.CORRUPT_MESSAGE, e.error());
    assertEquals("magic=1 expected=2 at position=0", e.getMessage());

    ByteBuffer codec = smallBatch();
    codec.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
    fixCrc(codec);
    e = assertThrows(InvalidRecordException.class, () -> RecordBatch.at(codec, 0).validate());
    assertEquals(Errors.INVALID_RECORD, e.error());
    assertEquals("unknown compression id=6 at position=0", e.getMessage());
  }
}
