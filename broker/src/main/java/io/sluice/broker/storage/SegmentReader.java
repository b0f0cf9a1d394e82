package io.sluice.broker.storage;

import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-side lookups in one segment: offset to batch position, timestamp to offset, and the CRC
 * check of ranges that were not verified yet. Stateless; callers hold a lease on the segment and
 * pass the highest position they may read (the published end for the active segment).
 */
final class SegmentReader {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentReader.class);
  private static final int VERIFY_CHUNK = 1 << 20;

  private SegmentReader() {}

  /**
   * Finds the batch holding {@code target} below {@code maxPosition}: the index gives a start, the
   * log is scanned forward. The batch at an index position is checked, so a lying index costs a
   * scan from the start, never a wrong answer.
   */
  static LogSegment.Found translateOffset(LogSegment segment, long target, int maxPosition)
      throws IOException {
    OffsetIndex.Entry entry = segment.offsetIndex.lookup(target);
    int position = entry.position();
    if (position != 0) {
      BatchHeader at = segment.readHeader(position, maxPosition);
      if (at == null || at.lastOffset() != entry.offset()) {
        LOG.warn(
            "index {} entry {} does not match the log; scanning from the start",
            segment.offsetIndex.path,
            entry);
        position = 0;
      }
    }
    while (true) {
      BatchHeader header = segment.readHeader(position, maxPosition);
      if (header == null || header.sizeInBytes() < BatchHeader.HEADER_SIZE) {
        return null;
      }
      if (header.lastOffset() >= target) {
        return new LogSegment.Found(position, header);
      }
      position += header.sizeInBytes();
    }
  }

  /**
   * The first record whose timestamp is at least {@code ts}, or null: the time index gives a start,
   * the log is scanned forward for the first batch whose max timestamp is that late, and that
   * batch's records are walked. A compressed batch answers with its base offset and max timestamp
   * (its records are opaque here), as does a batch whose records do not parse or whose length is
   * above {@code maxBatchBytes} (a damaged length must not size a heap buffer).
   */
  static TimestampOffset offsetForTimestamp(
      LogSegment segment, long ts, int maxPosition, int maxBatchBytes) throws IOException {
    if (segment.maxTimestamp() < ts) {
      return null;
    }
    TimeIndex.Entry entry = segment.timeIndex.lookup(ts);
    LogSegment.Found found = translateOffset(segment, entry.offset(), maxPosition);
    int position = found == null ? 0 : found.position();
    while (true) {
      BatchHeader header = segment.readHeader(position, maxPosition);
      if (header == null || header.sizeInBytes() < BatchHeader.HEADER_SIZE) {
        return null;
      }
      if (header.maxTimestamp() >= ts) {
        return recordForTimestamp(segment, position, header, ts, maxPosition, maxBatchBytes);
      }
      position += header.sizeInBytes();
    }
  }

  private static TimestampOffset recordForTimestamp(
      LogSegment segment,
      int position,
      BatchHeader header,
      long ts,
      int maxPosition,
      int maxBatchBytes)
      throws IOException {
    TimestampOffset batchAnswer = new TimestampOffset(header.baseOffset(), header.maxTimestamp());
    if (header.sizeInBytes() > maxBatchBytes || position + header.sizeInBytes() > maxPosition) {
      return batchAnswer;
    }
    ByteBuffer buf = ByteBuffer.allocate(header.sizeInBytes());
    segment.readFully(buf, position);
    buf.flip();
    try {
      RecordBatch batch = RecordBatch.at(buf, 0);
      if (batch.compressionType() != CompressionType.NONE) {
        return batchAnswer;
      }
      for (Record record : batch) {
        if (record.timestamp() >= ts) {
          return new TimestampOffset(record.offset(), record.timestamp());
        }
      }
    } catch (SluiceException e) {
      // InvalidRecordException included: the batch is damaged; fetches of it fail their own way.
      LOG.warn(
          "records of the batch at {} position {} do not parse: {}",
          segment.logPath,
          position,
          e.getMessage());
    }
    return batchAnswer;
  }

  /**
   * Verifies the CRC of every complete batch in [position, position + length) that was not yet
   * verified, and returns how many bytes from {@code position} may be served: all of them, or up to
   * the first corrupt batch. Segments this process wrote or recovered are verified already.
   */
  static int verifiedLength(LogSegment segment, int position, int requested, int maxBatchBytes)
      throws IOException {
    if (position + requested <= segment.verifiedUpTo()) {
      return requested;
    }
    // Bound the heap read: verify at most one MiB (or the first batch) and serve that much.
    int length = requested;
    if (length > VERIFY_CHUNK) {
      BatchHeader first = segment.readHeader(position, position + length);
      length = Math.max(VERIFY_CHUNK, first == null ? 0 : Math.min(first.sizeInBytes(), length));
    }
    ByteBuffer buf = ByteBuffer.allocate(length);
    segment.readFully(buf, position);
    int at = 0;
    long expected = -1;
    while (at + BatchHeader.HEADER_SIZE <= length) {
      int batchSize = buf.getInt(at + BatchHeader.LENGTH_OFFSET) + BatchHeader.LOG_OVERHEAD;
      if (batchSize > length - at && at > 0) {
        break; // a partial batch cut by maxBytes; the client drops it and asks again
      }
      String problem = BatchHeader.check(buf, at, length - at, maxBatchBytes);
      long base = buf.getLong(at);
      if (problem == null && expected >= 0 && base != expected) {
        // baseOffset lies outside the CRC; continuity is what catches a damaged one.
        problem = "baseOffset=" + base + " expected=" + expected;
      }
      if (problem != null) {
        LOG.error(
            "corrupt batch in {} at position {}: {}", segment.logPath, position + at, problem);
        return at;
      }
      expected = base + buf.getInt(at + RecordBatch.LAST_OFFSET_DELTA_OFFSET) + 1L;
      at += batchSize;
    }
    segment.advanceVerified(position, position + at);
    // When the chunk bound cut the read, serve whole batches only (a partial batch at the end is
    // allowed only where maxBytes cut it).
    return length < requested ? at : length;
  }
}
