package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.util.Map;

/**
 * The read path of a {@link Log}: offset to file slice, timestamp to offset. It takes no lock: it
 * reads the published end once, finds the segment in the concurrent map and leases it; if retention
 * closed the segment in between, the lease fails and the lookup starts over against the new log
 * start.
 */
final class LogReader {
  private LogReader() {}

  static FileSlice read(Log log, long offset, int maxBytes) {
    if (maxBytes < 0) {
      throw new SluiceException(Errors.INVALID_FETCH_SIZE, "maxBytes=" + maxBytes);
    }
    while (true) {
      Log.End end = log.end();
      long start = log.logStartOffset();
      if (offset < start || offset > end.nextOffset()) {
        throw new SluiceException(
            Errors.OFFSET_OUT_OF_RANGE,
            log.topicPartition
                + ": offset="
                + offset
                + " logStartOffset="
                + start
                + " logEndOffset="
                + end.nextOffset());
      }
      if (offset == end.nextOffset()) {
        if (end.segment().tryRetain()) {
          return new FileSlice(end.segment(), end.position(), 0);
        }
        continue;
      }
      Map.Entry<Long, LogSegment> entry = log.segments().floorEntry(offset);
      if (entry == null || !entry.getValue().tryRetain()) {
        continue; // retention removed it just now; the start moved on
      }
      LogSegment segment = entry.getValue();
      try {
        FileSlice slice = slice(log, segment, end, offset, maxBytes);
        if (slice != null) {
          return slice;
        }
      } catch (IOException e) {
        segment.release();
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            log.topicPartition + ": reading " + segment.logPath + " failed: " + e.getMessage(),
            e);
      } catch (RuntimeException e) {
        segment.release();
        throw e;
      }
    }
  }

  /** Builds the slice over a leased segment; the lease passes to the slice. */
  private static FileSlice slice(
      Log log, LogSegment segment, Log.End end, long offset, int maxBytes) throws IOException {
    int maxPosition = segment == end.segment() ? end.position() : segment.size();
    LogSegment.Found found = SegmentReader.translateOffset(segment, offset, maxPosition);
    if (found == null) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR,
          log.topicPartition
              + ": offset="
              + offset
              + " not found in "
              + segment.logPath
              + " below position "
              + maxPosition);
    }
    if (found.header().baseOffset() > offset) {
      // The batch holding the offset is missing: a damaged baseOffset (outside the CRC) or a gap.
      throw new SluiceException(
          Errors.CORRUPT_MESSAGE,
          log.topicPartition
              + ": offset="
              + offset
              + " is missing from "
              + segment.logPath
              + ": the batch at position "
              + found.position()
              + " starts at baseOffset="
              + found.header().baseOffset());
    }
    int available = maxPosition - found.position();
    int length = Math.min(available, Math.max(maxBytes, found.header().sizeInBytes()));
    int served =
        SegmentReader.verifiedLength(segment, found.position(), length, log.maxBatchBytes());
    if (served == 0) {
      throw new SluiceException(
          Errors.CORRUPT_MESSAGE,
          log.topicPartition
              + ": the batch holding offset="
              + offset
              + " in "
              + segment.logPath
              + " at position "
              + found.position()
              + " fails its CRC32C check");
    }
    return new FileSlice(segment, found.position(), served);
  }

  static TimestampOffset offsetForTimestamp(Log log, long timestamp) {
    Log.End end = log.end();
    for (LogSegment segment : log.segments().values()) {
      if (segment.maxTimestamp() < timestamp || !segment.tryRetain()) {
        continue;
      }
      try {
        int maxPosition = segment == end.segment() ? end.position() : segment.size();
        TimestampOffset found =
            SegmentReader.offsetForTimestamp(segment, timestamp, maxPosition, log.maxBatchBytes());
        if (found != null) {
          return found;
        }
      } catch (IOException e) {
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            log.topicPartition + ": reading " + segment.logPath + " failed: " + e.getMessage(),
            e);
      } finally {
        segment.release();
      }
    }
    return TimestampOffset.NONE;
  }
}
