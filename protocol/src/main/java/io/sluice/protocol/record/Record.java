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
  private final long timestampDelta;
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
      long timestampDelta,
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
    this.timestampDelta = timestampDelta;
    this.offsetDelta = offsetDelta;
    this.keyPosition = keyPosition;
    this.keyLength = keyLength;
    this.valuePosition = valuePosition;
    this.valueLength = valueLength;
    this.headerCount = headerCount;
    this.headersPosition = headersPosition;
  }

  /**
   * Reads and checks the record at the cursor's position, which must be the {@code index}-th record
   * of {@code batch}; the cursor's limit is the end of the batch. Leaves the cursor after the
   * record (its limit restored) on success.
   */
  static Record read(RecordBatch batch, ByteBuffer cursor, int index) {
    int start = cursor.position();
    int batchEnd = cursor.limit();
    try {
      int bodyLength = Varints.readVarint(cursor);
      if (bodyLength < MIN_BODY_SIZE || bodyLength > cursor.remaining()) {
        throw invalid(
            "record length="
                + bodyLength
                + " with "
                + cursor.remaining()
                + " bytes left in the batch"
                + where(batch, index, start));
      }
      int bodyEnd = cursor.position() + bodyLength;
      cursor.limit(bodyEnd);
      byte attributes = cursor.get();
      long timestampDelta = Varints.readVarlong(cursor);
      int offsetDelta = Varints.readVarint(cursor);
      if (offsetDelta != index) {
        throw invalid(
            "offsetDelta=" + offsetDelta + " expected=" + index + where(batch, index, start));
      }
      int keyLength = readLength(cursor, "keyLength", -1, batch, index, start);
      int keyPosition = skip(cursor, keyLength);
      int valueLength = readLength(cursor, "valueLength", -1, batch, index, start);
      int valuePosition = skip(cursor, valueLength);
      int headerCount = Varints.readVarint(cursor);
      // A header takes at least two bytes (two one-byte lengths).
      if (headerCount < 0 || headerCount > cursor.remaining() / 2) {
        throw invalid(
            "headerCount="
                + headerCount
                + " with "
                + cursor.remaining()
                + " bytes left in the record"
                + where(batch, index, start));
      }
      int headersPosition = cursor.position();
      for (int i = 0; i < headerCount; i++) {
        skip(cursor, readLength(cursor, "headerKeyLength", 0, batch, index, start));
        skip(cursor, readLength(cursor, "headerValueLength", -1, batch, index, start));
      }
      if (cursor.hasRemaining()) {
        throw invalid(
            "record length="
                + bodyLength
                + " but its fields end "
                + cursor.remaining()
                + " bytes earlier"
                + where(batch, index, start));
      }
      cursor.limit(batchEnd);
      return new Record(
          batch,
          start,
          bodyEnd - start,
          attributes,
          timestampDelta,
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

  private static int readLength(
      ByteBuffer cursor, String field, int min, RecordBatch batch, int index, int start) {
    int length = Varints.readVarint(cursor);
    if (length < min || length > cursor.remaining()) {
      throw invalid(
          field
              + "="
              + length
              + " with "
              + cursor.remaining()
              + " bytes left in the record"
              + where(batch, index, start));
    }
    return length;
  }

  /** Skips a length-prefixed field already checked to fit; returns where it starts. */
  private static int skip(ByteBuffer cursor, int length) {
    int fieldPosition = cursor.position();
    if (length > 0) {
      cursor.position(fieldPosition + length);
    }
    return fieldPosition;
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
    return timestampDelta;
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
        : batch.baseTimestamp() + timestampDelta;
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
        + timestampDelta
        + ", keySize="
        + keyLength
        + ", valueSize="
        + valueLength
        + ", headerCount="
        + headerCount
        + ")";
  }
}
