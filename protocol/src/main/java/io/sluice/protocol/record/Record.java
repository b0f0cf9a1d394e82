package io.sluice.protocol.record;

import static io.sluice.protocol.record.InvalidRecordException.invalid;

import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.wire.Varints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A view over one record of an uncompressed batch. Key, value and header values are slices of the
 * batch's buffer (no copy); they must not be written to.
 *
 * <pre>
 * length          varint   bytes that follow (zig-zag, like every varint here)
 * attributes      int8     unused, 0
 * timestampDelta  varlong  timestamp - batch baseTimestamp
 * offsetDelta     varint   offset - batch baseOffset
 * keyLength       varint   -1 = null key
 * key             bytes
 * valueLength     varint   -1 = null value
 * value           bytes
 * headerCount     varint
 * headers         headerCount x [keyLength varint (>= 0), key UTF-8,
 *                                valueLength varint (-1 = null), value bytes]
 * </pre>
 *
 * <p>Invariant: a {@code Record} exists only for bytes that {@link #read} checked, so every
 * accessor stays inside the record. Immutable; safe to share as long as the bytes do not change.
 */
public final class Record {
  /** The smallest record: a length varint and six one-byte fields. */
  static final int MIN_SIZE = 7;

  private static final int MIN_BODY_SIZE = MIN_SIZE - 1;

  private final RecordBatch batch;
  private final int position;
  private final int sizeInBytes;
  private final byte attributes;
  private final int timestampPosition;
  private final int offsetDelta;
  private final int keyPosition;
  private final int keyLength;
  private final int valuePosition;
  private final int valueLength;
  private final int headerCount;
  private final int headersPosition;

  private Record(
      RecordBatch batch,
      int position,
      int sizeInBytes,
      byte attributes,
      int timestampPosition,
      int offsetDelta,
      int keyPosition,
      int keyLength,
      int valuePosition,
      int valueLength,
      int headerCount,
      int headersPosition) {
    this.batch = batch;
    this.position = position;
    this.sizeInBytes = sizeInBytes;
    this.attributes = attributes;
    this.timestampPosition = timestampPosition;
    this.offsetDelta = offsetDelta;
    this.keyPosition = keyPosition;
    this.keyLength = keyLength;
    this.valuePosition = valuePosition;
    this.valueLength = valueLength;
    this.headerCount = headerCount;
    this.headersPosition = headersPosition;
  }

  /**
   * Reads and checks the {@code index}-th record of {@code batch}, which starts at {@code start} of
   * the batch's buffer; the batch ends at {@code batchEnd}. Absolute reads only: nothing is moved
   * or duplicated, and the error messages are built only on failure.
   */
  static Record read(RecordBatch batch, int start, int batchEnd, int index) {
    ByteBuffer buf = batch.buffer();
    try {
      long r = Varints.readVarintAt(buf, start, batchEnd);
      int bodyLength = (int) r;
      int p = (int) (r >>> 32);
      if (bodyLength < MIN_BODY_SIZE || bodyLength > batchEnd - p) {
        throw malformed("record length", bodyLength, batchEnd - p, "batch", batch, index, start);
      }
      int end = p + bodyLength;
      byte attributes = buf.get(p++);
      int timestampPosition = p;
      p = Varints.varlongEnd(buf, p, end);
      r = Varints.readVarintAt(buf, p, end);
      int offsetDelta = (int) r;
      p = (int) (r >>> 32);
      if (offsetDelta != index) {
        throw invalid(
            "offsetDelta=" + offsetDelta + " expected=" + index + where(batch, index, start));
      }
      r = Varints.readVarintAt(buf, p, end);
      int keyLength = (int) r;
      p = (int) (r >>> 32);
      if (keyLength < -1 || keyLength > end - p) {
        throw malformed("keyLength", keyLength, end - p, "record", batch, index, start);
      }
      int keyPosition = p;
      p += Math.max(keyLength, 0);
      r = Varints.readVarintAt(buf, p, end);
      int valueLength = (int) r;
      p = (int) (r >>> 32);
      if (valueLength < -1 || valueLength > end - p) {
        throw malformed("valueLength", valueLength, end - p, "record", batch, index, start);
      }
      int valuePosition = p;
      p += Math.max(valueLength, 0);
      r = Varints.readVarintAt(buf, p, end);
      int headerCount = (int) r;
      p = (int) (r >>> 32);
      // A header takes at least two bytes (two one-byte lengths).
      if (headerCount < 0 || headerCount > (end - p) / 2) {
        throw malformed("headerCount", headerCount, end - p, "record", batch, index, start);
      }
      int headersPosition = p;
      for (int i = 0; i < headerCount; i++) {
        r = Varints.readVarintAt(buf, p, end);
        int headerKeyLength = (int) r;
        p = (int) (r >>> 32);
        if (headerKeyLength < 0 || headerKeyLength > end - p) {
          throw malformed(
              "headerKeyLength", headerKeyLength, end - p, "record", batch, index, start);
        }
        p += headerKeyLength;
        r = Varints.readVarintAt(buf, p, end);
        int headerValueLength = (int) r;
        p = (int) (r >>> 32);
        if (headerValueLength < -1 || headerValueLength > end - p) {
          throw malformed(
              "headerValueLength", headerValueLength, end - p, "record", batch, index, start);
        }
        p += Math.max(headerValueLength, 0);
      }
      if (p != end) {
        throw invalid(
            "record length="
                + bodyLength
                + " but its fields end "
                + (end - p)
                + " bytes earlier"
                + where(batch, index, start));
      }
      return new Record(
          batch,
          start,
          end - start,
          attributes,
          timestampPosition,
          offsetDelta,
          keyPosition,
          keyLength,
          valuePosition,
          valueLength,
          headerCount,
          headersPosition);
    } catch (ProtocolException e) {
      // A varint ran past the record or the batch, or is over-long.
      throw new InvalidRecordException(
          Errors.INVALID_RECORD, e.getMessage() + where(batch, index, start), e);
    }
  }

  private static InvalidRecordException malformed(
      String field, int value, int left, String scope, RecordBatch batch, int index, int start) {
    return invalid(
        field
            + "="
            + value
            + " with "
            + left
            + " bytes left in the "
            + scope
            + where(batch, index, start));
  }

  private static String where(RecordBatch batch, int index, int start) {
    return " (record " + index + " at position=" + start + " of batch at " + batch.position() + ")";
  }

  /** Where the record starts (its length varint) in the batch's buffer. */
  public int position() {
    return position;
  }

  /** The record's bytes, length varint included. */
  public int sizeInBytes() {
    return sizeInBytes;
  }

  public byte attributes() {
    return attributes;
  }

  public long timestampDelta() {
    return Varints.readVarlongAt(batch.buffer(), timestampPosition, position + sizeInBytes);
  }

  public int offsetDelta() {
    return offsetDelta;
  }

  public long offset() {
    return batch.baseOffset() + offsetDelta;
  }

  /** The batch's maxTimestamp under LogAppendTime, else baseTimestamp + timestampDelta. */
  public long timestamp() {
    return batch.timestampType() == TimestampType.LOG_APPEND_TIME
        ? batch.maxTimestamp()
        : batch.baseTimestamp() + timestampDelta();
  }

  /** The producer sequence of this record, or -1 if the batch has none. */
  public int sequence() {
    return RecordBatch.sequenceAt(batch.baseSequence(), offsetDelta);
  }

  /** The key's length, -1 for a null key. */
  public int keySize() {
    return keyLength;
  }

  /** The key as a slice of the batch (position 0), or null. */
  public ByteBuffer key() {
    return keyLength < 0 ? null : batch.buffer().slice(keyPosition, keyLength);
  }

  /** The value's length, -1 for a null value. */
  public int valueSize() {
    return valueLength;
  }

  /** The value as a slice of the batch (position 0), or null. */
  public ByteBuffer value() {
    return valueLength < 0 ? null : batch.buffer().slice(valuePosition, valueLength);
  }

  public int headerCount() {
    return headerCount;
  }

  /** The headers, decoded now: keys become Strings (malformed UTF-8 is replaced), values slices. */
  public List<Header> headers() {
    if (headerCount == 0) {
      return Collections.emptyList();
    }
    ByteBuffer cursor = batch.buffer().duplicate().position(headersPosition);
    List<Header> headers = new ArrayList<>(headerCount);
    for (int i = 0; i < headerCount; i++) {
      int keySize = Varints.readVarint(cursor);
      String key =
          StandardCharsets.UTF_8.decode(cursor.slice(cursor.position(), keySize)).toString();
      cursor.position(cursor.position() + keySize);
      int valueSize = Varints.readVarint(cursor);
      ByteBuffer value = null;
      if (valueSize >= 0) {
        value = cursor.slice(cursor.position(), valueSize);
        cursor.position(cursor.position() + valueSize);
      }
      headers.add(new Header(key, value));
    }
    return headers;
  }

  @Override
  public String toString() {
    return "Record(offsetDelta="
        + offsetDelta
        + ", timestampDelta="
        + timestampDelta()
        + ", keySize="
        + keyLength
        + ", valueSize="
        + valueLength
        + ", headerCount="
        + headerCount
        + ")";
  }
}
