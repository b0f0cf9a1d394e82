package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The read path of one {@link Log}: offset to file slice, timestamp to offset. It is given what it
 * may read, and nothing else: a read-only view of the segment map, the published end and the log
 * start. It takes no lock: it reads the published end once, finds the segment in the concurrent map
 * and leases it; if retention closed the segment in between, the lease fails and the lookup starts
 * over against the new log start.
 *
 * <p>Thread safety: stateless apart from its final references; any thread may read.
 */
final class LogReader {
  private final TopicPartition topicPartition;
  private final NavigableMap<Long, LogSegment> segments;
  private final Supplier<Log.End> end;
  private final LongSupplier logStartOffset;
  private final int maxBatchBytes;

  LogReader(
      TopicPartition topicPartition,
      NavigableMap<Long, LogSegment> segments,
      Supplier<Log.End> end,
      LongSupplier logStartOffset,
      int maxBatchBytes) {
    this.topicPartition = topicPartition;
    this.segments = segments;
    this.end = end;
    this.logStartOffset = logStartOffset;
    this.maxBatchBytes = maxBatchBytes;
  }

  FileSlice read(long offset, int maxBytes, long maxOffset) {
    if (maxBytes < 0) {
      throw new SluiceException(Errors.INVALID_FETCH_SIZE, "maxBytes=" + maxBytes);
    }
    while (true) {
      Log.End end = this.end.get();
      long start = logStartOffset.getAsLong();
      if (offset < start || offset > end.nextOffset()) {
        throw new SluiceException(
            Errors.OFFSET_OUT_OF_RANGE,
            topicPartition
                + ": offset="
                + offset
                + " logStartOffset="
                + start
                + " logEndOffset="
                + end.nextOffset());
      }
      if (offset == end.nextOffset() || offset >= maxOffset) {
        if (lease(end.segment())) {
          return new FileSlice(end.segment(), end.position(), 0);
        }
        continue;
      }
      Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
      if (entry == null || !lease(entry.getValue())) {
        continue; // retention removed it just now; the start moved on
      }
      LogSegment segment = entry.getValue();
      try {
        FileSlice slice = slice(segment, end, offset, maxBytes, maxOffset);
        if (slice != null) {
          return slice;
        }
      } catch (IOException e) {
        segment.unlease();
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            topicPartition + ": reading " + segment.logPath + " failed: " + e.getMessage(),
            e);
      } catch (RuntimeException e) {
        segment.unlease();
        throw e;
      }
    }
  }

  /** Leases {@code segment} (opening its channel if the pool closed it); false if it is closed. */
  private boolean lease(LogSegment segment) {
    try {
      return segment.lease();
    } catch (IOException e) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR,
          topicPartition + ": opening " + segment.logPath + " failed: " + e.getMessage(),
          e);
    }
  }

  /** Builds the slice over a leased segment; the lease passes to the slice. */
  private FileSlice slice(
      LogSegment segment, Log.End end, long offset, int maxBytes, long maxOffset)
      throws IOException {
    int maxPosition = segment == end.segment() ? end.position() : segment.size();
    if (maxOffset < end.nextOffset()) {
      Map.Entry<Long, LogSegment> bound = segments.floorEntry(maxOffset);
      if (bound != null && bound.getValue() == segment) {
        // The bound lies on a batch boundary in this segment: stop where that batch starts.
        LogSegment.Found at = SegmentReader.translateOffset(segment, maxOffset, maxPosition);
        if (at != null) {
          maxPosition = at.position();
        }
      }
    }
    LogSegment.Found found = SegmentReader.translateOffset(segment, offset, maxPosition);
    if (found == null) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR,
          topicPartition
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
          topicPartition
              + ": offset="
              + offset
              + " is missing from "
              + segment.logPath
              + ": the batch at position "
              + found.position()
              + " starts at baseOffset="
              + found.header().baseOffset());
    }
    if (found.position() >= maxPosition) {
      return new FileSlice(segment, found.position(), 0); // nothing below the bound yet
    }
    int available = maxPosition - found.position();
    int length = Math.min(available, Math.max(maxBytes, found.header().sizeInBytes()));
    int served = SegmentReader.verifiedLength(segment, found.position(), length, maxBatchBytes);
    if (served == 0) {
      throw new SluiceException(
          Errors.CORRUPT_MESSAGE,
          topicPartition
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

  TimestampOffset offsetForTimestamp(long timestamp) {
    Log.End end = this.end.get();
    for (LogSegment segment : segments.values()) {
      if (segment.maxTimestamp() < timestamp || !lease(segment)) {
        continue;
      }
      try {
        int maxPosition = segment == end.segment() ? end.position() : segment.size();
        TimestampOffset found =
            SegmentReader.offsetForTimestamp(segment, timestamp, maxPosition, maxBatchBytes);
        if (found != null) {
          return found;
        }
      } catch (IOException e) {
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            topicPartition + ": reading " + segment.logPath + " failed: " + e.getMessage(),
            e);
      } finally {
        segment.unlease();
      }
    }
    return TimestampOffset.NONE;
  }
}
