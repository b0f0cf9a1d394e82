package io.sluice.protocol.record;

import io.sluice.protocol.wire.Varints;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Builds one RecordBatch v2. Records are written as they are appended, after a 61-byte gap that
 * {@link #build()} fills with the header (lengths, lastOffsetDelta, maxTimestamp, CRC). The size of
 * the uncompressed batch is exact at every step ({@link #sizeInBytes()}), so a producer can cap a
 * batch at {@code batch.size} with {@link #hasRoomFor}.
 *
 * <p>With a {@link #compression}, {@link #build()} compresses the records section as a whole
 * (Kafka's layout: the header stays in the clear, the CRC covers the compressed bytes); the built
 * batch is then usually smaller than {@link #sizeInBytes()} said before, and may be a little larger
 * for incompressible records.
 *
 * <p>Two kinds of storage: a heap buffer that doubles as needed ({@link #RecordBatchBuilder(int)}),
 * or a caller's buffer written from its position ({@link #RecordBatchBuilder(ByteBuffer)}), where
 * an append that does not fit throws {@link IllegalStateException} and leaves the builder
 * unchanged.
 *
 * <p>Base timestamp: the first record's timestamp unless {@link #baseTimestamp} is set before the
 * first append. Timestamp deltas may be negative (records need not be in time order).
 *
 * <p>Not thread-safe. A builder builds one batch; after {@link #build()} it accepts no more
 * records.
 */
public final class RecordBatchBuilder {
  private static final Header[] NO_HEADERS = new Header[0];

  private final ByteBuffer target;
  private ByteBuffer buf;
  private final int start;
  private int position;

  private long baseOffset;
  private Long baseTimestamp;
  private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
  private long producerId = RecordBatch.NO_PRODUCER_ID;
  private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
  private int baseSequence = RecordBatch.NO_SEQUENCE;
  private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
  private boolean transactional;
  private boolean control;
  private TimestampType timestampType = TimestampType.CREATE_TIME;
  private Compression compression = Compression.none();
  private int count;
  private ByteBuffer built;

  /** A builder over a heap buffer that starts at {@code initialCapacity} bytes and doubles. */
  public RecordBatchBuilder(int initialCapacity) {
    this.target = null;
    this.buf = ByteBuffer.allocate(Math.max(initialCapacity, RecordBatch.HEADER_SIZE));
    this.start = 0;
    this.position = RecordBatch.HEADER_SIZE;
  }

  /** A builder with a 1 KiB initial heap buffer. */
  public RecordBatchBuilder() {
    this(1024);
  }

  /**
   * A builder that writes into {@code target} from its position up to its limit, and moves the
   * position past the batch on {@link #build()}, so that batches can be built back to back.
   */
  public RecordBatchBuilder(ByteBuffer target) {
    if (target.remaining() < RecordBatch.HEADER_SIZE) {
      throw new IllegalArgumentException(
          "target has " + target.remaining() + " bytes, a batch needs " + RecordBatch.HEADER_SIZE);
    }
    this.target = target;
    // Absolute puts follow the buffer's byte order; a duplicate is always big-endian.
    this.buf = target.duplicate();
    this.start = target.position();
    this.position = start + RecordBatch.HEADER_SIZE;
  }

  public RecordBatchBuilder baseOffset(long baseOffset) {
    this.baseOffset = baseOffset;
    return this;
  }

  /** Must be set before the first append: record timestamps are stored relative to it. */
  public RecordBatchBuilder baseTimestamp(long baseTimestamp) {
    if (count > 0) {
      throw new IllegalStateException("baseTimestamp must be set before the first append");
    }
    this.baseTimestamp = baseTimestamp;
    return this;
  }

  public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    return this;
  }

  public RecordBatchBuilder transactional(boolean transactional) {
    this.transactional = transactional;
    return this;
  }

  public RecordBatchBuilder controlBatch(boolean control) {
    this.control = control;
    return this;
  }

  public RecordBatchBuilder timestampType(TimestampType timestampType) {
    this.timestampType = Objects.requireNonNull(timestampType);
    return this;
  }

  /**
   * The codec for the records section (none by default). With a caller's buffer, the compressed
   * batch must fit in it too; {@link #build()} fails with {@link IllegalStateException} otherwise.
   */
  public RecordBatchBuilder compression(Compression compression) {
    if (built != null) {
      throw new IllegalStateException("batch already built");
    }
    this.compression = Objects.requireNonNull(compression);
    return this;
  }

  public RecordBatchBuilder partitionLeaderEpoch(int partitionLeaderEpoch) {
    this.partitionLeaderEpoch = partitionLeaderEpoch;
    return this;
  }

  public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, Header... headers) {
    return append(timestamp, wrap(key), wrap(value), headers);
  }

  public RecordBatchBuilder append(
      long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
    return append(timestamp, key, value, headers.toArray(NO_HEADERS));
  }

  /**
   * Appends a record; {@code key} and {@code value} (their remaining bytes, positions untouched)
   * may be null.
   *
   * @throws IllegalStateException if the builder writes into a caller's buffer that lacks room, or
   *     after {@link #build()}
   */
  public RecordBatchBuilder append(
      long timestamp, ByteBuffer key, ByteBuffer value, Header... headers) {
    if (built != null) {
      throw new IllegalStateException("batch already built");
    }
    if (count == Integer.MAX_VALUE) {
      throw new IllegalStateException("recordCount=" + count);
    }
    long base = baseTimestamp == null ? timestamp : baseTimestamp;
    long timestampDelta = timestamp - base;
    byte[][] headerKeys = headerKeys(headers);
    int bodySize = bodySize(timestampDelta, count, key, value, headers, headerKeys);
    int recordSize = Varints.sizeOfVarint(bodySize) + bodySize;
    ensureRoom(recordSize);

    ByteBuffer out = buf.duplicate().position(position);
    Varints.writeVarint(out, bodySize);
    out.put((byte) 0);
    Varints.writeVarlong(out, timestampDelta);
    Varints.writeVarint(out, count);
    writeBytes(out, key);
    writeBytes(out, value);
    Varints.writeVarint(out, headers.length);
    for (int i = 0; i < headers.length; i++) {
      Varints.writeVarint(out, headerKeys[i].length);
      out.put(headerKeys[i]);
      writeBytes(out, headers[i].value());
    }
    position = out.position();
    if (baseTimestamp == null) {
      baseTimestamp = timestamp;
    }
    maxTimestamp = count == 0 ? timestamp : Math.max(maxTimestamp, timestamp);
    count++;
    return this;
  }

  /**
   * Whether the record would keep the batch within {@code sizeLimit} bytes. The first record always
   * fits (a batch holds at least one record, as Kafka's producer does for an oversized record).
   */
  public boolean hasRoomFor(
      long timestamp, ByteBuffer key, ByteBuffer value, int sizeLimit, Header... headers) {
    if (count == 0) {
      return true;
    }
    long timestampDelta = timestamp - (baseTimestamp == null ? timestamp : baseTimestamp);
    int bodySize = bodySize(timestampDelta, count, key, value, headers, headerKeys(headers));
    return (long) sizeInBytes() + Varints.sizeOfVarint(bodySize) + bodySize <= sizeLimit;
  }

  /** Records appended so far. */
  public int recordCount() {
    return count;
  }

  /**
   * The size of the uncompressed batch so far (header plus records); after {@link #build()}, the
   * size of the batch built, compressed or not.
   */
  public int sizeInBytes() {
    return position - start;
  }

  /**
   * The size of the batch if built now: exact without compression, the uncompressed size (an upper
   * estimate for compressible records) with it.
   */
  public int estimatedSizeInBytes() {
    return sizeInBytes();
  }

  /**
   * Writes the header and CRC and returns the batch: a slice of exactly {@link #sizeInBytes()}
   * bytes, position 0. Later calls return the same bytes.
   */
  public ByteBuffer build() {
    if (built != null) {
      return built.duplicate();
    }
    if (compression.type() != CompressionType.NONE) {
      compressRecords();
    }
    int size = position - start;
    int lastOffsetDelta = count - 1;
    short attributes = (short) compression.type().id();
    if (timestampType == TimestampType.LOG_APPEND_TIME) {
      attributes |= RecordBatch.TIMESTAMP_TYPE_MASK;
    }
    if (transactional) {
      attributes |= RecordBatch.TRANSACTIONAL_MASK;
    }
    if (control) {
      attributes |= RecordBatch.CONTROL_MASK;
    }
    buf.putLong(start + RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
    buf.putInt(start + RecordBatch.BATCH_LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
    buf.putInt(start + RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
    buf.put(start + RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
    buf.putShort(start + RecordBatch.ATTRIBUTES_OFFSET, attributes);
    buf.putInt(start + RecordBatch.LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta);
    buf.putLong(
        start + RecordBatch.BASE_TIMESTAMP_OFFSET,
        baseTimestamp == null ? RecordBatch.NO_TIMESTAMP : baseTimestamp);
    buf.putLong(start + RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    buf.putLong(start + RecordBatch.PRODUCER_ID_OFFSET, producerId);
    buf.putShort(start + RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
    buf.putInt(start + RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
    buf.putInt(start + RecordBatch.RECORD_COUNT_OFFSET, count);
    CRC32C crc = new CRC32C();
    crc.update(
        buf.slice(start + RecordBatch.CRC_START_OFFSET, size - RecordBatch.CRC_START_OFFSET));
    buf.putInt(start + RecordBatch.CRC_OFFSET, (int) crc.getValue());
    if (target != null) {
      target.position(position);
    }
    built = buf.slice(start, size);
    return built.duplicate();
  }

  /** Replaces the records section with its compressed form; the header gap stays in front. */
  private void compressRecords() {
    int recordsStart = start + RecordBatch.HEADER_SIZE;
    int length = position - recordsStart;
    GrowableOutputStream out = new GrowableOutputStream(RecordBatch.HEADER_SIZE + length / 2 + 64);
    out.size(RecordBatch.HEADER_SIZE);
    try (OutputStream compressing = compression.wrapForOutput(out)) {
      if (buf.hasArray()) {
        compressing.write(buf.array(), buf.arrayOffset() + recordsStart, length);
      } else {
        byte[] chunk = new byte[Math.min(length, 64 * 1024)];
        for (int at = 0; at < length; at += chunk.length) {
          int n = Math.min(chunk.length, length - at);
          buf.get(recordsStart + at, chunk, 0, n);
          compressing.write(chunk, 0, n);
        }
      }
    } catch (IOException e) {
      // Nothing here does I/O: the sink is a byte array.
      throw new UncheckedIOException(compression + " failed on a heap buffer", e);
    }
    int compressedLength = out.size() - RecordBatch.HEADER_SIZE;
    if (target == null) {
      buf = ByteBuffer.wrap(out.array(), 0, out.size()); // start is 0 with a heap buffer
    } else if ((long) recordsStart + compressedLength > buf.limit()) {
      throw new IllegalStateException(
          compression
              + " batch of "
              + (RecordBatch.HEADER_SIZE + compressedLength)
              + " bytes does not fit: "
              + (buf.limit() - start)
              + " bytes in the target buffer");
    } else {
      buf.put(recordsStart, out.array(), RecordBatch.HEADER_SIZE, compressedLength);
    }
    position = recordsStart + compressedLength;
  }

  /**
   * A batch of no records that spans offsets {@code baseOffset..lastOffset}: what log compaction
   * leaves where it removed whole batches, so that the log's batches still follow each other offset
   * by offset. Kafka's form for offsets that hold nothing (its cleaner writes the same for a
   * producer's emptied last batch): uncompressed, no producer, {@code recordCount} 0, {@code
   * lastOffsetDelta} = {@code lastOffset - baseOffset}. Consumers skip it and continue after {@code
   * lastOffset}.
   */
  public static ByteBuffer emptyBatch(
      long baseOffset,
      long lastOffset,
      long baseTimestamp,
      long maxTimestamp,
      int partitionLeaderEpoch) {
    long delta = lastOffset - baseOffset;
    if (delta < 0 || delta > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("baseOffset=" + baseOffset + " lastOffset=" + lastOffset);
    }
    ByteBuffer buf = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
    buf.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
    buf.putInt(RecordBatch.BATCH_LENGTH_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD);
    buf.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
    buf.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
    buf.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 0);
    buf.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, (int) delta);
    buf.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
    buf.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    buf.putLong(RecordBatch.PRODUCER_ID_OFFSET, RecordBatch.NO_PRODUCER_ID);
    buf.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, RecordBatch.NO_PRODUCER_EPOCH);
    buf.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, RecordBatch.NO_SEQUENCE);
    buf.putInt(RecordBatch.RECORD_COUNT_OFFSET, 0);
    CRC32C crc = new CRC32C();
    crc.update(
        buf.slice(
            RecordBatch.CRC_START_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.CRC_START_OFFSET));
    buf.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
    return buf;
  }

  private void ensureRoom(int recordSize) {
    long needed = (long) position + recordSize;
    if (needed <= buf.limit()) {
      return;
    }
    if (target != null) {
      throw new IllegalStateException(
          "record of "
              + recordSize
              + " bytes does not fit: batch size="
              + sizeInBytes()
              + " and "
              + (buf.limit() - position)
              + " bytes left in the target buffer");
    }
    if (needed > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("batch would exceed 2 GiB: " + needed + " bytes");
    }
    long capacity = Math.max(needed, 2L * buf.capacity());
    ByteBuffer grown = ByteBuffer.allocate((int) Math.min(capacity, Integer.MAX_VALUE - 8));
    grown.put(0, buf, 0, position);
    buf = grown;
  }

  private static int bodySize(
      long timestampDelta,
      int offsetDelta,
      ByteBuffer key,
      ByteBuffer value,
      Header[] headers,
      byte[][] headerKeys) {
    long size =
        1 // attributes
            + Varints.sizeOfVarlong(timestampDelta)
            + Varints.sizeOfVarint(offsetDelta)
            + sizeOfBytes(key)
            + sizeOfBytes(value)
            + Varints.sizeOfVarint(headers.length);
    for (int i = 0; i < headers.length; i++) {
      size += Varints.sizeOfVarint(headerKeys[i].length) + headerKeys[i].length;
      size += sizeOfBytes(headers[i].value());
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("record of " + size + " bytes");
    }
    return (int) size;
  }

  private static byte[][] headerKeys(Header[] headers) {
    byte[][] keys = new byte[headers.length][];
    for (int i = 0; i < headers.length; i++) {
      keys[i] = headers[i].key().getBytes(StandardCharsets.UTF_8);
    }
    return keys;
  }

  private static int sizeOfBytes(ByteBuffer bytes) {
    return bytes == null
        ? Varints.sizeOfVarint(-1)
        : Varints.sizeOfVarint(bytes.remaining()) + bytes.remaining();
  }

  private static void writeBytes(ByteBuffer out, ByteBuffer bytes) {
    if (bytes == null) {
      Varints.writeVarint(out, -1);
      return;
    }
    int length = bytes.remaining();
    Varints.writeVarint(out, length);
    out.put(out.position(), bytes, bytes.position(), length);
    out.position(out.position() + length);
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }
}
