package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The recovery-only work on one {@link LogSegment}: finding where a segment opened as found on disk
 * ends, checking its last batch, rebuilding its indexes, and the full validating scan that
 * truncates at the first bad batch. Used by {@link LogLoader} only, before the log is published, so
 * nothing here races with readers or appends.
 *
 * <p>Stateless.
 */
final class SegmentRecovery {
  private SegmentRecovery() {}

  /**
   * Where a segment's batches end, as {@link #readTail} found it.
   *
   * @param nextOffset the offset after the last batch, or -1 when the batches do not chain
   * @param lastBatchPosition where the last batch starts, or -1 when there is none (or no chain)
   */
  record Tail(long nextOffset, int lastBatchPosition) {
    boolean chains() {
      return nextOffset >= 0;
    }
  }

  /**
   * The offset after the last batch, from the last index entry and a walk over the batch headers
   * after it; -1 when their sizes do not chain exactly to the end of the file or their offsets do
   * not continue each other, in which case the segment needs a full recovery scan. The walk reads
   * headers only: a corrupt batch in a sealed segment is caught by its CRC when it is read. When
   * the walk succeeds, the segment resumes indexing where the last entry left off.
   */
  static Tail readTail(LogSegment segment) throws IOException {
    int limit = segment.size();
    OffsetIndex index = segment.offsetIndex;
    int n = index.entries();
    int position = 0;
    if (n > 0) {
      OffsetIndex.Entry last = index.entry(n - 1);
      BatchHeader at = last.position() < limit ? segment.readHeader(last.position(), limit) : null;
      if (at != null && at.lastOffset() == last.offset()) {
        position = last.position();
      }
    }
    int lastEntryPosition = position;
    long next = position == 0 ? segment.baseOffset : -1;
    int lastBatchPosition = -1;
    while (position < limit) {
      BatchHeader header = segment.readHeader(position, limit);
      if (header == null
          || header.sizeInBytes() < BatchHeader.HEADER_SIZE
          || header.sizeInBytes() > limit - position
          || (next >= 0 && header.baseOffset() != next)) {
        return new Tail(-1, -1); // the tail decides the log end: it must chain in sizes and offsets
      }
      next = header.lastOffset() + 1;
      lastBatchPosition = position;
      position += header.sizeInBytes();
    }
    segment.resumeIndexing(limit - lastEntryPosition);
    return new Tail(next, lastBatchPosition);
  }

  /** Whether the last batch of {@code tail} passes its checks (CRC included). */
  static boolean lastBatchValid(LogSegment segment, Tail tail, int maxBatchBytes)
      throws IOException {
    if (tail.lastBatchPosition() < 0) {
      return true;
    }
    int length = segment.size() - tail.lastBatchPosition();
    ByteBuffer buf = ByteBuffer.allocate(length);
    segment.readFully(buf, tail.lastBatchPosition());
    return BatchHeader.check(buf, 0, length, maxBatchBytes) == null;
  }

  /**
   * Rebuilds the indexes from the batch headers without validating the batches (a sealed, durable
   * segment whose batch sizes chain; CRCs are checked when the batches are read).
   */
  static void rebuildIndexes(LogSegment segment, int maxBatchBytes) throws IOException {
    segment.clearIndexes();
    int size = segment.size();
    int position = 0;
    long lastIndexed = segment.baseOffset - 1;
    BatchHeader header;
    while ((header = segment.readHeader(position, size)) != null
        && header.sizeInBytes() >= BatchHeader.HEADER_SIZE
        && header.sizeInBytes() <= Math.min(maxBatchBytes, size - position)) {
      if (header.lastOffset() > lastIndexed) { // a corrupt header must not break the order
        segment.indexBatch(header, position);
        lastIndexed = header.lastOffset();
      }
      position += header.sizeInBytes();
    }
    segment.sealIndexes();
  }

  /**
   * Rebuilds the indexes from a validated scan, truncates the segment after the last valid batch
   * (durably), marks what remains verified, and returns the scan.
   */
  static SegmentScan recover(LogSegment segment, int maxBatchBytes) throws IOException {
    segment.clearIndexes();
    SegmentScan scan = SegmentScan.scan(segment, maxBatchBytes, segment::indexBatch);
    if (scan.validBytes() < segment.size()) {
      segment.truncateTo(scan.validBytes());
    }
    segment.setVerifiedUpTo(scan.validBytes());
    segment.sealIndexes();
    return scan;
  }
}
