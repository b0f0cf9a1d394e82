package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of one segment ({@code .index}), Kafka's format: 8-byte big-endian
 * entries, strictly increasing by offset.
 *
 * <pre>
 * +---------------------------+---------------------------+
 * | relativeOffset int32      | position int32            |   offset - baseOffset of the LAST
 * +---------------------------+---------------------------+   record of a batch, and the file
 *   ... one entry per log.index.interval.bytes of log ...       position where that batch starts
 * </pre>
 *
 * <p>A lookup returns the greatest entry whose offset is at most the target; the log is then
 * scanned forward from its position. Thread safety as in {@link MappedIndex}.
 */
final class OffsetIndex extends MappedIndex {
  static final int ENTRY_SIZE = 8;

  /** An index entry in absolute terms. */
  record Entry(long offset, int position) {}

  OffsetIndex(Path path, long baseOffset, int maxIndexBytes, FileIo io) throws IOException {
    super(path, baseOffset, ENTRY_SIZE, maxIndexBytes, io);
  }

  /** Appends (lastOffsetOfBatch, positionOfBatch); offsets must increase. Append lock held. */
  void append(long offset, int position) {
    int n = entries();
    if (n > 0 && offset <= entryAt(buffer(), n - 1).offset()) {
      throw new IllegalArgumentException(
          "offset=" + offset + " is not above the last entry of " + path);
    }
    int at = nextEntryPosition();
    MappedByteBuffer buf = buffer();
    buf.putInt(at, Math.toIntExact(offset - baseOffset));
    buf.putInt(at + 4, position);
    publishEntry();
  }

  /** The greatest entry with offset at most {@code target}, or (baseOffset, 0) when none. */
  Entry lookup(long target) {
    MappedByteBuffer buf = buffer();
    int lo = 0;
    int hi = entries() - 1;
    Entry best = new Entry(baseOffset, 0);
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Entry e = entryAt(buf, mid);
      if (e.offset() <= target) {
        best = e;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  Entry entry(int n) {
    return entryAt(buffer(), n);
  }

  private Entry entryAt(MappedByteBuffer buf, int n) {
    return new Entry(baseOffset + buf.getInt(n * ENTRY_SIZE), buf.getInt(n * ENTRY_SIZE + 4));
  }

  /**
   * Null when the entries are plausible for a log of {@code logBytes} bytes: offsets strictly
   * increasing and not below the base, positions increasing and inside the log. Otherwise why not.
   */
  String sanityCheck(long logBytes, long lastOffset) {
    MappedByteBuffer buf = buffer();
    long previousOffset = baseOffset - 1;
    int previousPosition = -1;
    for (int i = 0; i < entries(); i++) {
      Entry e = entryAt(buf, i);
      if (e.offset() <= previousOffset || e.position() <= previousPosition) {
        return "entry " + i + " " + e + " does not increase";
      }
      if (e.offset() > lastOffset) {
        return "entry " + i + " " + e + " is past the last offset " + lastOffset;
      }
      if (e.position() < 0 || e.position() >= logBytes) {
        return "entry " + i + " " + e + " points outside the log of " + logBytes + " bytes";
      }
      previousOffset = e.offset();
      previousPosition = e.position();
    }
    return null;
  }
}
