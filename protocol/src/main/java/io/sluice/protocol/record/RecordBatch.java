package io.sluice.protocol.record;

import static io.sluice.protocol.record.InvalidRecordException.corrupt;
import static io.sluice.protocol.record.InvalidRecordException.invalid;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.zip.CRC32C;

/**
 * A view over one Kafka RecordBatch v2 ("magic 2") at a position of a {@link ByteBuffer}. Nothing
 * is copied: accessors read the buffer with absolute indexes, and the two setters patch it in
 * place.
 *
 * <pre>
 * offset  width  field                 CRC?
 *      0      8  baseOffset            no   (patched by the broker on append)
 *      8      4  batchLength           no   (bytes after this field: sizeInBytes - 12)
 *     12      4  partitionLeaderEpoch  no   (patched by the broker on append)
 *     16      1  magic (= 2)           no
 *     17      4  crc (CRC-32C)         no   (covers bytes 21 .. end)
 *     21      2  attributes            yes  (bits 0-2 codec, 3 timestamp type, 4 transactional,
 *                                            5 control, 6 delete horizon)
 *     23      4  lastOffsetDelta       yes
 *     27      8  baseTimestamp         yes
 *     35      8  maxTimestamp          yes
 *     43      8  producerId            yes
 *     51      2  producerEpoch         yes
 *     53      4  baseSequence          yes
 *     57      4  recordCount           yes
 *     61      -  records               yes  (one block compressed as a whole when codec != none)
 * </pre>
 *
 * <p>Invariant: a view always spans a complete batch inside the buffer's limit, at least {@link
 * #HEADER_SIZE} bytes long ({@link #at} checks this), so no accessor can read out of bounds. Only
 * {@link #validate()} says whether the contents are trustworthy; call it before using a batch that
 * came from a client or from disk.
 *
 * <p>Thread safety: a view holds no mutable state of its own; concurrent readers are safe as long
 * as nobody writes the underlying bytes. The setters write to the shared buffer and need the same
 * exclusion as any other writer of it.
 */
public final class RecordBatch implements Iterable<Record> {
  public static final int BASE_OFFSET_OFFSET = 0;
  public static final int BATCH_LENGTH_OFFSET = 8;
  public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
  public static final int MAGIC_OFFSET = 16;
  public static final int CRC_OFFSET = 17;
  public static final int ATTRIBUTES_OFFSET = 21;
  public static final int LAST_OFFSET_DELTA_OFFSET = 23;
  public static final int BASE_TIMESTAMP_OFFSET = 27;
  public static final int MAX_TIMESTAMP_OFFSET = 35;
  public static final int PRODUCER_ID_OFFSET = 43;
  public static final int PRODUCER_EPOCH_OFFSET = 51;
  public static final int BASE_SEQUENCE_OFFSET = 53;
  public static final int RECORD_COUNT_OFFSET = 57;
  public static final int RECORDS_OFFSET = 61;

  /** Bytes before the first record; the smallest possible batch. */
  public static final int HEADER_SIZE = 61;

  /** The baseOffset and batchLength fields, which {@code batchLength} does not count. */
  public static final int LOG_OVERHEAD = 12;

  /** The CRC covers the batch from this offset to its end. */
  public static final int CRC_START_OFFSET = ATTRIBUTES_OFFSET;

  public static final byte MAGIC = 2;
  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;
  public static final int NO_PARTITION_LEADER_EPOCH = -1;
  public static final long NO_TIMESTAMP = -1L;

  static final int COMPRESSION_MASK = 0x07;
  static final int TIMESTAMP_TYPE_MASK = 0x08;
  static final int TRANSACTIONAL_MASK = 0x10;
  static final int CONTROL_MASK = 0x20;
  static final int DELETE_HORIZON_MASK = 0x40;

  private final ByteBuffer buf;
  private final int position;
  private final int size;

  private RecordBatch(ByteBuffer buf, int position, int size) {
    this.buf = buf;
    this.position = position;
    this.size = size;
  }

  /**
   * The batch that starts at {@code position} of {@code buf}.
   *
   * @throws InvalidRecordException ({@code CORRUPT_MESSAGE}) if the buffer's limit cuts the batch
   *     short or its {@code batchLength} is smaller than a header
   */
  public static RecordBatch at(ByteBuffer buf, int position) {
    int limit = buf.limit();
    if (position < 0 || position > limit - LOG_OVERHEAD) {
      throw corrupt(
          "truncated batch: "
              + (limit - position)
              + " bytes at position="
              + position
              + ", need at least "
              + LOG_OVERHEAD);
    }
    // Absolute reads follow the buffer's byte order; a duplicate is always big-endian.
    ByteBuffer bigEndian = buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.duplicate();
    int batchLength = bigEndian.getInt(position + BATCH_LENGTH_OFFSET);
    if (batchLength < HEADER_SIZE - LOG_OVERHEAD) {
      throw corrupt(
          "batchLength="
              + batchLength
              + " is smaller than the header ("
              + (HEADER_SIZE - LOG_OVERHEAD)
              + ") at position="
              + position);
    }
    // long arithmetic: batchLength may be near Integer.MAX_VALUE.
    if ((long) position + LOG_OVERHEAD + batchLength > limit) {
      throw corrupt(
          "truncated batch: batchLength="
              + batchLength
              + " but "
              + (limit - position - LOG_OVERHEAD)
              + " bytes follow at position="
              + position);
    }
    return new RecordBatch(bigEndian, position, LOG_OVERHEAD + batchLength);
  }

  /**
   * The buffer this view reads (big-endian; possibly a duplicate of the one given to {@link #at}).
   */
  public ByteBuffer buffer() {
    return buf;
  }

  /** Where the batch starts in {@link #buffer()}. */
  public int position() {
    return position;
  }

  /** The whole batch, {@code LOG_OVERHEAD + batchLength}. */
  public int sizeInBytes() {
    return size;
  }

  /** The batch's bytes as a slice (shares content with the buffer; position 0, limit = size). */
  public ByteBuffer slice() {
    return buf.slice(position, size);
  }

  public long baseOffset() {
    return buf.getLong(position + BASE_OFFSET_OFFSET);
  }

  public int batchLength() {
    return size - LOG_OVERHEAD;
  }

  public int partitionLeaderEpoch() {
    return buf.getInt(position + PARTITION_LEADER_EPOCH_OFFSET);
  }

  public byte magic() {
    return buf.get(position + MAGIC_OFFSET);
  }

  /** The stored CRC-32C, as the unsigned value it is. */
  public long crc() {
    return Integer.toUnsignedLong(buf.getInt(position + CRC_OFFSET));
  }

  public short attributes() {
    return buf.getShort(position + ATTRIBUTES_OFFSET);
  }

  /** Bits 0-2 of the attributes, as an id: does not fail on the unused ids 5-7. */
  public int compressionId() {
    return attributes() & COMPRESSION_MASK;
  }

  /**
   * @throws InvalidRecordException ({@code INVALID_RECORD}) for the unused codec ids 5-7
   */
  public CompressionType compressionType() {
    return CompressionType.forId(compressionId());
  }

  public TimestampType timestampType() {
    return (attributes() & TIMESTAMP_TYPE_MASK) == 0
        ? TimestampType.CREATE_TIME
        : TimestampType.LOG_APPEND_TIME;
  }

  public boolean isTransactional() {
    return (attributes() & TRANSACTIONAL_MASK) != 0;
  }

  public boolean isControlBatch() {
    return (attributes() & CONTROL_MASK) != 0;
  }

  public boolean hasDeleteHorizon() {
    return (attributes() & DELETE_HORIZON_MASK) != 0;
  }

  public int lastOffsetDelta() {
    return buf.getInt(position + LAST_OFFSET_DELTA_OFFSET);
  }

  public long lastOffset() {
    return baseOffset() + lastOffsetDelta();
  }

  /** The offset after this batch: {@code lastOffset() + 1}. */
  public long nextOffset() {
    return lastOffset() + 1;
  }

  public long baseTimestamp() {
    return buf.getLong(position + BASE_TIMESTAMP_OFFSET);
  }

  public long maxTimestamp() {
    return buf.getLong(position + MAX_TIMESTAMP_OFFSET);
  }

  public long producerId() {
    return buf.getLong(position + PRODUCER_ID_OFFSET);
  }

  public short producerEpoch() {
    return buf.getShort(position + PRODUCER_EPOCH_OFFSET);
  }

  public int baseSequence() {
    return buf.getInt(position + BASE_SEQUENCE_OFFSET);
  }

  /** The sequence of the last record; sequences wrap from Integer.MAX_VALUE to 0, as in Kafka. */
  public int lastSequence() {
    return sequenceAt(baseSequence(), lastOffsetDelta());
  }

  public int recordCount() {
    return buf.getInt(position + RECORD_COUNT_OFFSET);
  }

  /**
   * The sequence of the record {@code delta} after one with {@code baseSequence}: wraps from
   * Integer.MAX_VALUE to 0, as in Kafka; {@link #NO_SEQUENCE} stays {@code NO_SEQUENCE}.
   */
  public static int sequenceAt(int baseSequence, int delta) {
    if (baseSequence == NO_SEQUENCE) {
      return NO_SEQUENCE;
    }
    // Integer overflow wraps to negative; Kafka wraps to 0 instead.
    return baseSequence > Integer.MAX_VALUE - delta
        ? delta - (Integer.MAX_VALUE - baseSequence) - 1
        : baseSequence + delta;
  }

  /** Assigns offsets: outside the CRC, so the batch stays valid. */
  public void setBaseOffset(long baseOffset) {
    buf.putLong(position + BASE_OFFSET_OFFSET, baseOffset);
  }

  /** Stamps the leader epoch: outside the CRC, so the batch stays valid. */
  public void setPartitionLeaderEpoch(int epoch) {
    buf.putInt(position + PARTITION_LEADER_EPOCH_OFFSET, epoch);
  }

  /** CRC-32C of bytes {@link #CRC_START_OFFSET} to the end, as stored in {@link #crc()}. */
  public long computeCrc() {
    CRC32C crc = new CRC32C();
    crc.update(buf.slice(position + CRC_START_OFFSET, size - CRC_START_OFFSET));
    return crc.getValue();
  }

  /**
   * Checks that this batch may be stored and served: magic 2, the CRC, a known codec, a record
   * count that agrees with {@code lastOffsetDelta} (or zero records spanning offsets, see {@link
   * RecordBatchBuilder#emptyBatch}), offsets that cannot overflow, and, for an uncompressed batch,
   * every record (lengths, offset deltas 0..n-1, no trailing bytes). A compressed batch is opaque:
   * its header and CRC are checked, not its records.
   *
   * <p>Bounded: it allocates nothing proportional to any length or count in the batch.
   *
   * @throws InvalidRecordException {@code CORRUPT_MESSAGE} for damaged bytes, {@code
   *     INVALID_RECORD} for intact bytes that break the format's rules
   */
  public void validate() {
    byte magic = magic();
    if (magic != MAGIC) {
      throw corrupt("magic=" + magic + " expected=" + MAGIC + " at position=" + position);
    }
    long stored = crc();
    long computed = computeCrc();
    if (stored != computed) {
      throw corrupt("crc=" + stored + " computed=" + computed + " at position=" + position);
    }
    // From here on the bytes are what the producer wrote, so failures are INVALID_RECORD.
    int compressionId = compressionId();
    if (compressionId > CompressionType.ZSTD.id()) {
      throw invalid("unknown compression id=" + compressionId + " at position=" + position);
    }
    int count = recordCount();
    int lastOffsetDelta = lastOffsetDelta();
    if (count < 0) {
      throw invalid("recordCount=" + count + " at position=" + position);
    }
    // An empty batch may span offsets: compaction's placeholder for batches it removed.
    if (lastOffsetDelta != count - 1 && !(count == 0 && lastOffsetDelta >= 0)) {
      throw invalid(
          "lastOffsetDelta="
              + lastOffsetDelta
              + " but recordCount="
              + count
              + " at position="
              + position);
    }
    long baseOffset = baseOffset();
    if (baseOffset < 0 || baseOffset > Long.MAX_VALUE - Math.max(lastOffsetDelta, 0)) {
      throw invalid(
          "baseOffset="
              + baseOffset
              + " lastOffsetDelta="
              + lastOffsetDelta
              + " at position="
              + position);
    }
    int epoch = partitionLeaderEpoch();
    if (epoch < NO_PARTITION_LEADER_EPOCH) {
      throw invalid("partitionLeaderEpoch=" + epoch + " at position=" + position);
    }
    if (compressionId == CompressionType.NONE.id()) {
      Iterator<Record> records = iterator();
      while (records.hasNext()) {
        records.next();
      }
    }
  }

  /**
   * The records, each checked as it is read (lengths, offset deltas, trailing bytes). The records
   * of a compressed batch are those of {@link #decompress()}: decompressed now, as a whole. The
   * iterator throws {@link InvalidRecordException} on a malformed record; this method throws it
   * ({@code CORRUPT_MESSAGE}) if the records do not decompress, and {@link SluiceException} ({@code
   * UNSUPPORTED_COMPRESSION_TYPE}) if the codec's library is missing.
   */
  @Override
  public Iterator<Record> iterator() {
    return new RecordIterator(decompress());
  }

  /**
   * This batch with its records section decompressed, in a new heap buffer: the same header fields
   * (offsets, producer id, epoch, sequence, timestamps, count), codec bits cleared, {@code
   * batchLength} and CRC recomputed, so the result is a valid uncompressed batch. An uncompressed
   * batch returns itself.
   *
   * <p>Memory: the decompressed records, grown as they arrive (never sized by a length read from
   * the batch).
   *
   * @throws InvalidRecordException ({@code CORRUPT_MESSAGE}) if the records do not decompress
   * @throws SluiceException ({@code UNSUPPORTED_COMPRESSION_TYPE}) for codec ids 5-7, or if the
   *     codec's library is missing
   */
  public RecordBatch decompress() {
    int id = compressionId();
    if (id == CompressionType.NONE.id()) {
      return this;
    }
    if (id > CompressionType.ZSTD.id()) {
      throw new SluiceException(
          Errors.UNSUPPORTED_COMPRESSION_TYPE,
          "unknown compression id=" + id + " at position=" + position);
    }
    CompressionType type = CompressionType.forId(id);
    ByteBuffer compressed = buf.slice(position + RECORDS_OFFSET, size - RECORDS_OFFSET);
    long guess = HEADER_SIZE + Math.max(1024L, 4L * compressed.remaining());
    GrowableOutputStream out = new GrowableOutputStream((int) Math.min(guess, 1 << 24));
    buf.get(position, out.array(), 0, HEADER_SIZE);
    out.size(HEADER_SIZE);
    try (InputStream in = Compression.of(type).wrapForInput(compressed)) {
      while (true) {
        out.ensure(4096);
        int n = in.read(out.array(), out.size(), out.array().length - out.size());
        if (n < 0) {
          break;
        }
        out.size(out.size() + n);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof SluiceException s) {
        throw s;
      }
      throw new InvalidRecordException(
          Errors.CORRUPT_MESSAGE,
          type.label()
              + " records of the batch at position="
              + position
              + " baseOffset="
              + baseOffset()
              + " do not decompress: "
              + e,
          e);
    }
    int total = out.size();
    ByteBuffer plain = ByteBuffer.wrap(out.array(), 0, total);
    plain.putInt(BATCH_LENGTH_OFFSET, total - LOG_OVERHEAD);
    plain.putShort(ATTRIBUTES_OFFSET, (short) (attributes() & ~COMPRESSION_MASK));
    CRC32C crc = new CRC32C();
    crc.update(plain.slice(CRC_START_OFFSET, total - CRC_START_OFFSET));
    plain.putInt(CRC_OFFSET, (int) crc.getValue());
    return new RecordBatch(plain, 0, total);
  }

  @Override
  public String toString() {
    return "RecordBatch(position="
        + position
        + ", size="
        + size
        + ", baseOffset="
        + baseOffset()
        + ", lastOffsetDelta="
        + lastOffsetDelta()
        + ", recordCount="
        + recordCount()
        + ", attributes="
        + attributes()
        + ")";
  }
}
