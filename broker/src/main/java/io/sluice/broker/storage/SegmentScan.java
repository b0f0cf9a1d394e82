package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The result of scanning a segment batch by batch from its start: how many bytes hold valid
 * batches, the next offset after them, and why the scan stopped early (null when it reached the
 * end). A batch is valid when its length, magic, CRC32C and record count check out and its base
 * offset continues the previous batch (the first must start at the segment's base offset).
 */
record SegmentScan(int validBytes, long nextOffset, int batches, String problem) {

  private static final int CHUNK = 1 << 20;

  /** Receives each valid batch with its position. */
  interface BatchVisitor {
    void visit(BatchHeader header, int position);
  }

  static SegmentScan scan(LogSegment segment, int maxBatchBytes, BatchVisitor visitor)
      throws IOException {
    int size = segment.size();
    // Direct: the file is read into it without the JDK's extra copy through a temporary buffer.
    ByteBuffer buf =
        ByteBuffer.allocateDirect(Math.min(CHUNK, Math.max(size, BatchHeader.HEADER_SIZE)));
    long bufStart = 0; // file position of buf[0]
    buf.limit(0);
    int position = 0;
    long expected = segment.baseOffset;
    int batches = 0;
    while (position < size) {
      int available = size - position;
      int inBuffer = (int) (bufStart + buf.limit() - position);
      int need = Math.min(available, BatchHeader.HEADER_SIZE);
      if (inBuffer >= BatchHeader.LOG_OVERHEAD) {
        int length = buf.getInt((int) (position - bufStart) + BatchHeader.LENGTH_OFFSET);
        if (length > 0 && length <= maxBatchBytes) {
          need = Math.min(available, length + BatchHeader.LOG_OVERHEAD);
        }
      }
      if (inBuffer < need) {
        if (need > buf.capacity()) {
          buf = ByteBuffer.allocateDirect(need);
        }
        buf.clear();
        buf.limit(Math.min(buf.capacity(), available));
        segment.readFully(buf, position);
        buf.flip();
        bufStart = position;
        continue;
      }
      int index = (int) (position - bufStart);
      String problem = BatchHeader.check(buf, index, Math.min(inBuffer, available), maxBatchBytes);
      if (problem == null) {
        BatchHeader header = BatchHeader.read(buf, index);
        if (header.baseOffset() != expected) {
          problem = "baseOffset=" + header.baseOffset() + " expected=" + expected;
        } else {
          visitor.visit(header, position);
          expected = header.lastOffset() + 1;
          position += header.sizeInBytes();
          batches++;
          continue;
        }
      }
      return new SegmentScan(position, expected, batches, problem + " at position " + position);
    }
    return new SegmentScan(position, expected, batches, null);
  }
}
