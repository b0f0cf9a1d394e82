package io.sluice.broker.storage;

import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.protocol.record.RecordBatchReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction: keeps the latest record of every key in the sealed segments of a compacted log.
 *
 * <p><b>One pass</b> over a log ({@link #clean}):
 *
 * <ol>
 *   <li><i>Cleanable range</i>: the sealed segments, oldest first, up to the first whose newest
 *       record is younger than {@code min.compaction.lag.ms}; never the active segment. Nothing to
 *       do when the dirty part (from the first offset the last pass did not cover) is less than
 *       {@code min.cleanable.dirty.ratio} of the range's bytes.
 *   <li><i>Map</i>: reads the dirty part, batch by batch (compressed batches are decompressed), and
 *       records each key's latest offset in the fixed-size {@link KeyOffsetMap}. When the map is
 *       full it stops there: this pass cleans up to that offset, the next one goes on (so the
 *       memory is bounded whatever the number of keys).
 *   <li><i>Rewrite</i>, segment by segment from the log start to the mapped end: a batch is dropped
 *       when every record in it is superseded by a later record of its key, has no key, or is a
 *       tombstone (null value) whose batch is older than {@code delete.retention.ms}; any other
 *       batch is kept whole, byte for byte. So offsets, producer ids, epochs and sequences of what
 *       stays never change, and a producer's last batch is always kept (idempotence after a restart
 *       rebuilds from it). Each run of dropped batches becomes one empty batch (no records, {@code
 *       lastOffsetDelta} spanning the run, producer id -1), Kafka's form for offsets that hold
 *       nothing; so segments still chain offset to offset, and recovery and reads keep their
 *       continuity checks. A segment that loses nothing is left alone.
 *   <li><i>Swap</i>, crash-safe, for each rewritten segment {@code N}: write {@code N.log.cleaned},
 *       fsync it, rename it to {@code N.log.swap}, fsync the directory; then, under the log's lock,
 *       rename the old segment's files to {@code .deleted} (readers holding leases keep reading the
 *       old file), rename {@code N.log.swap} to {@code N.log}, rebuild its indexes, publish it,
 *       fsync the directory. Recovery deletes {@code .cleaned} files and finishes a swap it finds
 *       ({@link LogLoader}).
 * </ol>
 *
 * <p>Granularity is the batch, not the record: a batch with one live record keeps its superseded
 * ones (and a tombstone sharing a batch with a live record stays until that record is superseded
 * too). Batches are never decompressed and recompressed, so a cleaned segment holds exactly the
 * bytes producers sent; the cost is space when producers batch many keys together.
 *
 * <p>Bounded I/O: reads and writes go through a {@link Throttle} at {@code
 * log.cleaner.io.max.bytes.per.second}.
 *
 * <p>Thread safety: one instance per cleaner thread (it owns its map); the first-dirty offsets are
 * shared through a concurrent map. Tests stop a pass at any file step through the {@link Hook}.
 */
final class LogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
  static final String CLEANED_SUFFIX = ".cleaned";
  static final String SWAP_SUFFIX = ".swap";
  private static final int CHUNK = 1 << 20;

  /** The file steps of a pass, in order; a test hook may throw before any of them. */
  enum Step {
    WRITE_CLEANED,
    SYNC_CLEANED,
    RENAME_TO_SWAP,
    SYNC_DIRECTORY_AFTER_SWAP,
    RENAME_OLD_TO_DELETED,
    RENAME_SWAP_TO_LOG,
    SYNC_DIRECTORY_AFTER_PUBLISH
  }

  /** Called before each file step (tests inject crashes); production passes {@link #NO_HOOK}. */
  interface Hook {
    void before(Step step, long segmentBaseOffset) throws IOException;
  }

  static final Hook NO_HOOK = (step, base) -> {};

  /** What one pass did. */
  record Result(
      long firstDirtyOffset,
      long mappedEnd,
      int segmentsRewritten,
      int batchesRemoved,
      long bytesRead,
      long bytesBefore,
      long bytesAfter) {
    static final Result NOTHING = new Result(-1, -1, 0, 0, 0, 0, 0);
  }

  private final KeyOffsetMap map;
  private final Throttle throttle;
  private final Clock clock;
  private final FileIo io;
  private final SegmentDeleter deleter;
  private final Map<TopicPartition, Long> firstDirty;
  private final Hook hook;
  private long bytesRead;

  LogCleaner(
      KeyOffsetMap map,
      Throttle throttle,
      Clock clock,
      FileIo io,
      SegmentDeleter deleter,
      Map<TopicPartition, Long> firstDirty,
      Hook hook) {
    this.map = map;
    this.throttle = throttle;
    this.clock = clock;
    this.io = io;
    this.deleter = deleter;
    this.firstDirty = firstDirty;
    this.hook = hook;
  }

  /** A shared map of first-dirty offsets, one per broker. */
  static Map<TopicPartition, Long> newDirtyOffsets() {
    return new ConcurrentHashMap<>();
  }

  /**
   * The share of the cleanable bytes that lie at or after the first dirty offset, or -1 when the
   * log has nothing cleanable.
   */
  double dirtyRatio(Log log, CompactionSettings settings) {
    List<LogSegment> cleanable = cleanable(log, settings);
    if (cleanable.isEmpty()) {
      return -1;
    }
    long dirtyFrom = firstDirty(log);
    long total = 0;
    long dirty = 0;
    Long following = log.segments().higherKey(cleanable.get(cleanable.size() - 1).baseOffset);
    long cleanableEnd = following == null ? Long.MAX_VALUE : following;
    for (int i = 0; i < cleanable.size(); i++) {
      LogSegment s = cleanable.get(i);
      total += s.size();
      long next = i + 1 < cleanable.size() ? cleanable.get(i + 1).baseOffset : cleanableEnd;
      if (next > dirtyFrom) {
        dirty += s.size();
      }
    }
    return total == 0 ? 0 : dirty / (double) total;
  }

  private long firstDirty(Log log) {
    return Math.max(firstDirty.getOrDefault(log.topicPartition, 0L), log.logStartOffset());
  }

  /** The sealed segments old enough to clean, oldest first. */
  private List<LogSegment> cleanable(Log log, CompactionSettings settings) {
    NavigableMap<Long, LogSegment> segments = log.segments();
    long bound = clock.millis() - settings.minCompactionLagMs();
    List<LogSegment> out = new ArrayList<>();
    for (LogSegment s : segments.headMap(segments.lastKey(), false).values()) {
      if (s.maxTimestamp() > bound) {
        break;
      }
      out.add(s);
    }
    return out;
  }

  /**
   * One pass over {@code log}; does nothing when the dirty ratio is below the setting (unless
   * {@code force}).
   */
  Result clean(Log log, CompactionSettings settings, boolean force) throws IOException {
    List<LogSegment> cleanable = cleanable(log, settings);
    if (cleanable.isEmpty()) {
      return Result.NOTHING;
    }
    if (!force && dirtyRatio(log, settings) < settings.minCleanableDirtyRatio()) {
      return Result.NOTHING;
    }
    long dirtyFrom = firstDirty(log);
    Long following = log.segments().higherKey(cleanable.get(cleanable.size() - 1).baseOffset);
    long cleanableEnd = following == null ? Long.MAX_VALUE : following;
    if (dirtyFrom >= cleanableEnd) {
      return Result.NOTHING;
    }
    bytesRead = 0;
    long mappedEnd = buildMap(cleanable, dirtyFrom, cleanableEnd);
    if (mappedEnd <= dirtyFrom) {
      return Result.NOTHING; // not even one batch fits the map
    }
    Map<Long, Long> lastBatchOfProducer = lastBatchOfEachProducer(log);
    long horizon = clock.millis() - settings.deleteRetentionMs();
    int rewritten = 0;
    int removed = 0;
    long before = 0;
    long after = 0;
    for (LogSegment segment : cleanable) {
      if (segment.baseOffset >= mappedEnd) {
        break;
      }
      BitSet removable = removableBatches(segment, mappedEnd, horizon, lastBatchOfProducer);
      if (removable == null) {
        continue; // the segment left the log meanwhile (retention)
      }
      before += segment.size();
      long written = removable.isEmpty() ? -1 : swap(log, segment, removable);
      if (written >= 0) {
        after += written;
        rewritten++;
        removed += removable.cardinality();
      } else {
        after += segment.size();
      }
    }
    firstDirty.put(log.topicPartition, mappedEnd);
    if (rewritten > 0) {
      LOG.info(
          "{}: cleaned below offset {}: {} segment(s) rewritten, {} batch(es) removed, {} -> {}"
              + " bytes",
          log.topicPartition,
          mappedEnd,
          rewritten,
          removed,
          before,
          after);
    }
    return new Result(dirtyFrom, mappedEnd, rewritten, removed, bytesRead, before, after);
  }

  /** Maps the keys of the dirty batches; returns the offset after the last batch fully mapped. */
  private long buildMap(List<LogSegment> cleanable, long dirtyFrom, long cleanableEnd)
      throws IOException {
    map.clear();
    long[] mappedEnd = {dirtyFrom};
    boolean[] full = {false};
    for (int i = 0; i < cleanable.size(); i++) {
      LogSegment segment = cleanable.get(i);
      long segmentEnd = i + 1 < cleanable.size() ? cleanable.get(i + 1).baseOffset : cleanableEnd;
      if (segmentEnd <= dirtyFrom) {
        continue;
      }
      boolean read =
          forEachBatch(
              segment,
              batch -> {
                if (batch.lastOffset() < dirtyFrom) {
                  return true;
                }
                if (!batch.isControlBatch() && batch.recordCount() > 0) {
                  for (Record record : batch) {
                    ByteBuffer key = record.key();
                    if (key == null) {
                      continue;
                    }
                    if (map.isFull() && map.get(key) < 0) {
                      full[0] = true; // this batch and what follows wait for the next pass
                      return false;
                    }
                    map.put(key, record.offset());
                  }
                }
                mappedEnd[0] = batch.nextOffset();
                return true;
              });
      if (!read || full[0]) {
        return mappedEnd[0];
      }
      mappedEnd[0] = Math.max(mappedEnd[0], segmentEnd);
    }
    return mappedEnd[0];
  }

  /** Per producer id, the base offset of its last batch anywhere in the log (headers only). */
  private static Map<Long, Long> lastBatchOfEachProducer(Log log) throws IOException {
    Map<Long, Long> last = new HashMap<>();
    for (LogSegment segment : log.segments().values()) {
      if (!segment.lease()) {
        continue;
      }
      try {
        int size = segment.size();
        int position = 0;
        BatchHeader header;
        while ((header = segment.readHeader(position, size)) != null
            && header.sizeInBytes() >= BatchHeader.HEADER_SIZE) {
          if (header.producerId() >= 0) {
            last.put(header.producerId(), header.baseOffset());
          }
          position += header.sizeInBytes();
        }
      } finally {
        segment.unlease();
      }
    }
    return last;
  }

  /** Which batches of a segment go, by their index in it; null if it left the log meanwhile. */
  private BitSet removableBatches(
      LogSegment segment, long mappedEnd, long horizon, Map<Long, Long> lastBatchOfProducer)
      throws IOException {
    BitSet removable = new BitSet();
    int[] index = {0};
    boolean read =
        forEachBatch(
            segment,
            batch -> {
              if (removable(batch, mappedEnd, horizon, lastBatchOfProducer)) {
                removable.set(index[0]);
              }
              index[0]++;
              return true;
            });
    return read ? removable : null;
  }

  private boolean removable(
      RecordBatch batch, long mappedEnd, long horizon, Map<Long, Long> lastBatchOfProducer) {
    if (batch.lastOffset() >= mappedEnd || batch.isControlBatch() || batch.recordCount() == 0) {
      return false; // beyond the map; transaction markers; placeholders stay as they are
    }
    if (batch.producerId() >= 0
        && lastBatchOfProducer.getOrDefault(batch.producerId(), -1L) == batch.baseOffset()) {
      return false; // the producer's last batch: its sequence survives a restart
    }
    for (Record record : batch) {
      ByteBuffer key = record.key();
      if (key == null) {
        continue; // a compacted topic keeps nothing without a key (as Kafka's cleaner)
      }
      if (map.get(key) > record.offset()) {
        continue; // superseded
      }
      if (record.valueSize() < 0 && batch.maxTimestamp() < horizon) {
        continue; // a tombstone past delete.retention.ms
      }
      return false;
    }
    return true;
  }

  /** Receives the batches of a segment one by one; a view is valid only during the call. */
  private interface BatchVisitor {
    /** Returns false to stop the walk. */
    boolean visit(RecordBatch batch) throws IOException;
  }

  /**
   * Streams the batches of a sealed segment through a buffer of 1 MiB (more only for a larger
   * batch), CRCs checked; false if the segment was closed meanwhile (retention).
   */
  private boolean forEachBatch(LogSegment segment, BatchVisitor visitor) throws IOException {
    if (!segment.lease()) {
      return false;
    }
    try {
      int size = segment.size();
      ByteBuffer buf = ByteBuffer.allocate(0);
      int bufStart = 0; // file position of buf[0]
      while (true) {
        RecordBatchReader reader = new RecordBatchReader(buf);
        for (RecordBatch batch = reader.next(); batch != null; batch = reader.next()) {
          if (batch.crc() != batch.computeCrc()) {
            throw new IOException(
                segment.logPath
                    + ": corrupt batch at position "
                    + (bufStart + batch.position())
                    + "; the segment is not cleaned");
          }
          if (!visitor.visit(batch)) {
            return true;
          }
        }
        int from = bufStart + reader.position();
        if (from >= size) {
          return true;
        }
        int leftover = buf.limit() - reader.position();
        int needed =
            leftover >= RecordBatch.LOG_OVERHEAD
                ? buf.getInt(reader.position() + RecordBatch.BATCH_LENGTH_OFFSET)
                    + RecordBatch.LOG_OVERHEAD
                : RecordBatch.LOG_OVERHEAD;
        if (needed > size - from || needed < RecordBatch.LOG_OVERHEAD) {
          throw new IOException(segment.logPath + ": a partial batch at position " + from);
        }
        int n = Math.min(Math.max(CHUNK, needed), size - from);
        throttle.acquire(n - leftover);
        bytesRead += n - leftover;
        buf = ByteBuffer.allocate(n);
        segment.readFully(buf, from);
        buf.flip();
        bufStart = from;
      }
    } finally {
      segment.unlease();
    }
  }

  /**
   * Step 4: writes the kept batches of {@code segment} (one empty batch for each removed run) to
   * {@code N.log.cleaned}, then swaps it in crash-safely. Returns the new size, or -1 if the
   * segment left the log meanwhile.
   */
  private long swap(Log log, LogSegment segment, BitSet removable) throws IOException {
    Path dir = log.directory;
    String name = LogFiles.logName(segment.baseOffset);
    Path cleaned = dir.resolve(name + CLEANED_SUFFIX);
    Path swap = dir.resolve(name + SWAP_SUFFIX);
    hook.before(Step.WRITE_CLEANED, segment.baseOffset);
    long[] written = {0};
    boolean read;
    try (FileChannel channel =
        io.open(
            cleaned,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer out = ByteBuffer.allocate(CHUNK);
      List<RecordBatch> run = new ArrayList<>();
      int[] index = {0};
      read =
          forEachBatch(
              segment,
              batch -> {
                if (removable.get(index[0]++)) {
                  run.add(headerOf(batch));
                  return true;
                }
                written[0] += writeRun(channel, out, run);
                written[0] += write(channel, out, batch.slice());
                return true;
              });
      written[0] += writeRun(channel, out, run);
      drain(channel, out);
      if (read) {
        hook.before(Step.SYNC_CLEANED, segment.baseOffset);
        channel.force(true);
      }
    }
    if (!read) {
      io.deleteIfExists(cleaned);
      return -1;
    }
    hook.before(Step.RENAME_TO_SWAP, segment.baseOffset);
    io.move(cleaned, swap);
    hook.before(Step.SYNC_DIRECTORY_AFTER_SWAP, segment.baseOffset);
    io.fsyncDirectory(dir);
    return log.replaceSegment(segment, swap, deleter, hook) ? written[0] : -1;
  }

  /** A copy of a batch's 61-byte header (a removed run needs offsets and timestamps only). */
  private static RecordBatch headerOf(RecordBatch batch) {
    ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
    header.put(0, batch.buffer(), batch.position(), RecordBatch.HEADER_SIZE);
    header.putInt(
        RecordBatch.BATCH_LENGTH_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD);
    return RecordBatch.at(header, 0);
  }

  /** One empty batch in place of a removed run: its offsets, nothing in them. */
  private long writeRun(FileChannel channel, ByteBuffer out, List<RecordBatch> run)
      throws IOException {
    if (run.isEmpty()) {
      return 0;
    }
    RecordBatch first = run.get(0);
    RecordBatch last = run.get(run.size() - 1);
    long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    for (RecordBatch b : run) {
      maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
    }
    run.clear();
    return write(
        channel,
        out,
        RecordBatchBuilder.emptyBatch(
            first.baseOffset(),
            last.lastOffset(),
            first.baseTimestamp(),
            maxTimestamp,
            last.partitionLeaderEpoch()));
  }

  /** Buffers {@code bytes} for the channel, writing the buffer out whenever it fills. */
  private long write(FileChannel channel, ByteBuffer out, ByteBuffer bytes) throws IOException {
    long n = bytes.remaining();
    while (bytes.hasRemaining()) {
      if (!out.hasRemaining()) {
        drain(channel, out);
      }
      int chunk = Math.min(out.remaining(), bytes.remaining());
      out.put(bytes.slice(bytes.position(), chunk));
      bytes.position(bytes.position() + chunk);
    }
    return n;
  }

  private void drain(FileChannel channel, ByteBuffer out) throws IOException {
    out.flip();
    throttle.acquire(out.remaining());
    while (out.hasRemaining()) {
      channel.write(out);
    }
    out.clear();
  }
}
