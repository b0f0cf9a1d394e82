package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The time index of one segment ({@code .timeindex}), Kafka's format: 12-byte big-endian entries
 * whose timestamps strictly increase. An entry (T, O) means "every record with a timestamp above T
 * lies after offset O", where O is the last offset of the batch that carried T.
 *
 * <pre>
 * +-------------------------------------------+---------------------------+
 * | timestamp int64 (max timestamp so far)    | relativeOffset int32      |
 * +-------------------------------------------+---------------------------+
 * </pre>
 *
 * Thread safety as in {@link MappedIndex}.
 */
final class TimeIndex extends MappedIndex {
  static final int ENTRY_SIZE = 12;

  /** An entry in absolute terms. */
  record Entry(long timestamp, long offset) {}

  TimeIndex(Path path, long baseOffset, int maxIndexBytes, FileIo io) throws IOException {
    super(path, baseOffset, ENTRY_SIZE, maxIndexBytes, io);
  }

  /** Appends when {@code timestamp} is above the last entry's; append lock held. */
  void maybeAppend(long timestamp, long offset) {
    int n = entries();
    if (n > 0) {
      Entry last = entryAt(buffer(), n - 1);
      if (timestamp <= last.timestamp() || offset < last.offset()) {
        return;
      }
    }
    if (isFull()) {
      return;
    }
    int at = nextEntryPosition();
    MappedByteBuffer buf = buffer();
    buf.putLong(at, timestamp);
    buf.putInt(at + 8, Math.toIntExact(offset - baseOffset));
    publishEntry();
  }

  /** The greatest entry with timestamp at most {@code target}, or (-1, baseOffset) when none. */
  Entry lookup(long target) {
    MappedByteBuffer buf = buffer();
    int lo = 0;
    int hi = entries() - 1;
    Entry best = new Entry(-1, baseOffset);
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Entry e = entryAt(buf, mid);
      if (e.timestamp() <= target) {
        best = e;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  Entry lastEntry() {
    int n = entries();
    return n == 0 ? new Entry(-1, baseOffset) : entryAt(buffer(), n - 1);
  }

  private Entry entryAt(MappedByteBuffer buf, int n) {
    return new Entry(buf.getLong(n * ENTRY_SIZE), baseOffset + buf.getInt(n * ENTRY_SIZE + 8));
  }

  /** Null when timestamps strictly increase and offsets do not decrease; otherwise why not. */
  String sanityCheck(long lastOffset) {
    MappedByteBuffer buf = buffer();
    long previousTimestamp = Long.MIN_VALUE;
    long previousOffset = baseOffset;
    for (int i = 0; i < entries(); i++) {
      Entry e = entryAt(buf, i);
      if (e.timestamp() <= previousTimestamp || e.offset() < previousOffset) {
        return "entry " + i + " " + e + " does not increase";
      }
      if (e.offset() > lastOffset) {
        return "entry " + i + " " + e + " is past the last offset " + lastOffset;
      }
      previousTimestamp = e.timestamp();
      previousOffset = e.offset();
    }
    return null;
  }
}
