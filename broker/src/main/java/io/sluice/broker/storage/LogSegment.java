package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment: a {@code .log} file of concatenated RecordBatch v2 bytes and its {@code .index} and
 * {@code .timeindex}, all named by the 20-digit base offset.
 *
 * <p>Invariants: {@link #size()} bytes of the file hold complete batches with contiguous offsets
 * from {@link #baseOffset}; the indexes only point into those bytes. Bytes past {@code size()} are
 * never read.
 *
 * <p>Thread safety: appends, roll, truncation and index rebuilds run under the owning {@link Log}'s
 * append lock (or before the log is published, during recovery). Reads use positional reads and the
 * volatile {@code size}, so any thread may read. The segment is reference-counted: the log holds
 * one reference, each {@link FileSlice} another; the channel closes when the count reaches zero, so
 * retention never closes a channel under a reader. A deleted segment's last release hands closing
 * and unlinking to the {@link SegmentDeleter} thread.
 */
final class LogSegment {
  private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

  final long baseOffset;
  final Path logPath;
  private final Path directory;
  private final FileIo io;
  private final SegmentChannelPool pool;
  private volatile FileChannel channel; // null while closed; changes under this monitor
  private Path openPath; // where the .log is now (renamed for deletion); this monitor
  private int channelUsers; // leases now using the channel; this monitor
  private boolean pinned = true; // the active segment (or one being loaded): never idle
  private final int indexIntervalBytes;
  private final int indexSizeMaxBytes;
  final OffsetIndex offsetIndex;
  final TimeIndex timeIndex;
  private final AtomicInteger refs = new AtomicInteger(1);
  private volatile int size;
  private volatile int verifiedUpTo;
  private volatile long maxTimestamp = -1;
  private long offsetOfMaxTimestamp;
  private int bytesSinceLastIndexEntry;
  private long createdMs;
  private volatile SegmentDeleter deleter; // set once renamed for deletion
  private boolean indexFilesMissing;

  /** A failed write; {@code restored} tells whether the file was cut back to its old size. */
  static final class AppendFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean restored;

    AppendFailure(IOException cause, boolean restored) {
      super(cause.getMessage(), cause);
      this.restored = restored;
    }

    boolean restored() {
      return restored;
    }
  }

  /** A batch found in the log: where it starts and its header. */
  record Found(int position, BatchHeader header) {}

  private LogSegment(
      Path directory,
      long baseOffset,
      LogConfig config,
      FileIo io,
      SegmentChannelPool pool,
      long nowMs,
      boolean fresh)
      throws IOException {
    this.directory = directory;
    this.baseOffset = baseOffset;
    this.io = io;
    this.pool = pool;
    this.indexIntervalBytes = config.indexIntervalBytes();
    this.indexSizeMaxBytes = config.indexSizeMaxBytes();
    this.logPath = directory.resolve(LogFiles.logName(baseOffset));
    this.openPath = logPath;
    FileChannel channel =
        io.open(
            logPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.channel = channel;
    int indexBytes = fresh ? config.indexSizeMaxBytes() : 0;
    OffsetIndex offsets = null;
    try {
      offsets =
          new OffsetIndex(
              directory.resolve(LogFiles.indexName(baseOffset)), baseOffset, indexBytes, io);
      this.timeIndex =
          new TimeIndex(
              directory.resolve(LogFiles.timeIndexName(baseOffset)), baseOffset, indexBytes, io);
    } catch (IOException | RuntimeException e) {
      if (offsets != null) {
        offsets.close();
      }
      channel.close();
      throw e;
    }
    this.offsetIndex = offsets;
    long length = channel.size();
    if (length > Integer.MAX_VALUE) {
      throw new IOException(logPath + " is " + length + " bytes, larger than a segment can be");
    }
    this.size = (int) length;
    this.createdMs = nowMs;
    channel.position(length);
    pool.opened();
  }

  /** Creates an empty segment (a new partition or a roll). */
  static LogSegment create(
      Path directory,
      long baseOffset,
      LogConfig config,
      FileIo io,
      SegmentChannelPool pool,
      long now)
      throws IOException {
    return new LogSegment(directory, baseOffset, config, io, pool, now, true);
  }

  /** Opens an existing segment as found on disk; recovery decides whether to trust it. */
  static LogSegment open(
      Path directory,
      long baseOffset,
      LogConfig config,
      FileIo io,
      SegmentChannelPool pool,
      long now)
      throws IOException {
    boolean missing =
        !Files.exists(directory.resolve(LogFiles.indexName(baseOffset)))
            || !Files.exists(directory.resolve(LogFiles.timeIndexName(baseOffset)));
    LogSegment segment = new LogSegment(directory, baseOffset, config, io, pool, now, false);
    segment.indexFilesMissing = missing;
    segment.verifiedUpTo = 0;
    TimeIndex.Entry last = segment.timeIndex.lastEntry();
    segment.maxTimestamp = last.timestamp();
    segment.offsetOfMaxTimestamp = last.offset();
    return segment;
  }

  int size() {
    return size;
  }

  /** True when an index file did not exist when the segment was opened. */
  boolean indexFilesMissing() {
    return indexFilesMissing;
  }

  /**
   * The {@code .log} channel: open while the segment is active (pinned) or leased. Callers hold a
   * lease ({@link #lease}) or the append lock of the active segment.
   */
  FileChannel channel() {
    return channel;
  }

  long maxTimestamp() {
    return maxTimestamp;
  }

  long createdMs() {
    return createdMs;
  }

  /**
   * Writes the batches with one gathering write at the end of the file, then indexes them. The
   * headers carry the assigned offsets. On failure the file is cut back to its previous size.
   */
  void append(ByteBuffer[] buffers, List<BatchHeader> headers, int totalBytes, long nowMs)
      throws AppendFailure {
    int start = size;
    if (start == 0) {
      createdMs = nowMs;
    }
    try {
      long written = 0;
      while (written < totalBytes) {
        written += channel.write(buffers);
      }
    } catch (IOException e) {
      // Leave no partial batch behind; if even this fails the caller takes the directory offline.
      boolean restored;
      try {
        channel.truncate(start);
        channel.position(start);
        restored = channel.size() == start;
      } catch (IOException truncateFailure) {
        e.addSuppressed(truncateFailure);
        restored = false;
      }
      throw new AppendFailure(e, restored);
    }
    int position = start;
    for (BatchHeader header : headers) {
      indexBatch(header, position);
      position += header.sizeInBytes();
    }
    if (verifiedUpTo == start) {
      verifiedUpTo = position;
    }
    size = position;
  }

  /** Adds the batch to the indexes' running state (an entry every index interval). Lock held. */
  void indexBatch(BatchHeader header, int position) {
    if (header.maxTimestamp() > maxTimestamp) {
      maxTimestamp = header.maxTimestamp();
      offsetOfMaxTimestamp = header.lastOffset();
    }
    // A full index (possible after a failed roll) just stops growing; the next append rolls.
    if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull()) {
      offsetIndex.append(header.lastOffset(), position);
      timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += header.sizeInBytes();
  }

  boolean indexesFull() {
    return offsetIndex.isFull() || timeIndex.isFull();
  }

  /** Reads the header of the batch at {@code position}, or null if fewer than 61 bytes remain. */
  BatchHeader readHeader(int position, int maxPosition) throws IOException {
    if (position + BatchHeader.HEADER_SIZE > maxPosition) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(BatchHeader.HEADER_SIZE);
    readFully(buf, position);
    return BatchHeader.read(buf, 0);
  }

  void readFully(ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, at);
      if (n < 0) {
        throw new IOException("unexpected end of " + logPath + " at " + at);
      }
      at += n;
    }
  }

  int verifiedUpTo() {
    return verifiedUpTo;
  }

  /**
   * Where appending continues indexing after a segment opened as found: {@code bytes} of log were
   * written since the last index entry (recovery).
   */
  void resumeIndexing(int bytes) {
    bytesSinceLastIndexEntry = bytes;
  }

  /** Recovery verified [0, upTo): reads there need no CRC check. */
  void setVerifiedUpTo(int upTo) {
    verifiedUpTo = upTo;
  }

  /** Records that [0, upTo) holds only batches whose CRC was checked. */
  void advanceVerified(int from, int upTo) {
    if (from <= verifiedUpTo && upTo > verifiedUpTo) {
      verifiedUpTo = upTo;
    }
  }

  void markVerified() {
    verifiedUpTo = size;
  }

  /** Forces the log bytes to disk (fdatasync); the indexes are rebuilt if lost. */
  void flush() throws IOException {
    channel.force(false);
  }

  /**
   * Seals the segment (a roll, or the close of the log): a final time index entry, indexes trimmed
   * and forced. Lock held.
   */
  void seal() throws IOException {
    sealIndexes();
  }

  /** Makes an opened segment appendable again: indexes at full preallocated size. */
  void becomeActive(int indexSizeMaxBytes) throws IOException {
    offsetIndex.resize(indexSizeMaxBytes);
    timeIndex.resize(indexSizeMaxBytes);
  }

  /** Cuts the log to {@code bytes} and makes it durable (recovery, before readers exist). */
  void truncateTo(int bytes) throws IOException {
    channel.truncate(bytes);
    channel.position(bytes);
    channel.force(true);
    size = bytes;
  }

  /**
   * Replication: makes this segment the active one again and cuts it to {@code bytes} (a follower
   * truncating a divergent tail), durably, with its indexes rebuilt from the batches that remain.
   * Lock held. A reader still holding a slice of the cut bytes fails its send.
   */
  void truncateForReplication(int bytes, int maxBatchBytes) throws IOException {
    synchronized (this) {
      pinned = true;
      if (channel == null) {
        channel = io.open(openPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        pool.opened();
      }
    }
    channel.truncate(bytes);
    channel.position(bytes);
    channel.force(true);
    size = bytes;
    if (verifiedUpTo > bytes) {
      verifiedUpTo = bytes;
    }
    clearIndexes();
    int position = 0;
    BatchHeader header;
    while ((header = readHeader(position, bytes)) != null
        && header.sizeInBytes() >= BatchHeader.HEADER_SIZE
        && header.sizeInBytes() <= Math.min(maxBatchBytes, bytes - position)) {
      indexBatch(header, position);
      position += header.sizeInBytes();
    }
  }

  /** Empties both indexes, at full size, for {@link #indexBatch} to fill from the start. */
  void clearIndexes() throws IOException {
    offsetIndex.truncateToEntries(0);
    timeIndex.truncateToEntries(0);
    offsetIndex.resize(indexSizeMaxBytes);
    timeIndex.resize(indexSizeMaxBytes);
    maxTimestamp = -1;
    bytesSinceLastIndexEntry = 0;
  }

  /** Adds the pending time index entry and trims both indexes to their entries. */
  void sealIndexes() throws IOException {
    if (maxTimestamp >= 0) {
      timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
    }
    offsetIndex.trimToValidSize();
    timeIndex.trimToValidSize();
  }

  void setCreatedMs(long ms) {
    createdMs = ms;
  }

  /**
   * Takes a lease for a reader: a reference that keeps the segment, and its {@code .log} channel,
   * open until {@link #unlease}. A sealed segment whose channel the pool closed opens it again
   * here. False when the segment has already been closed.
   *
   * @throws IOException when the file cannot be opened again (no lease is held then)
   */
  boolean lease() throws IOException {
    if (!tryRetain()) {
      return false;
    }
    try {
      acquireChannel();
    } catch (IOException | RuntimeException e) {
      release();
      throw e;
    }
    return true;
  }

  /** Ends a lease taken with {@link #lease}. */
  void unlease() {
    releaseChannel();
    release();
  }

  private void acquireChannel() throws IOException {
    synchronized (this) {
      if (channel == null) {
        channel = io.open(openPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        pool.opened();
      }
      channelUsers++;
    }
    pool.busy(this);
  }

  private void releaseChannel() {
    boolean idle;
    synchronized (this) {
      channelUsers--;
      idle = channelUsers == 0 && !pinned && channel != null;
    }
    if (idle) {
      pool.idle(this);
    }
  }

  /**
   * The segment is sealed and no longer the log's active one (a roll, or a sealed segment after
   * loading): its channel may be closed whenever no lease uses it.
   */
  void unpin() {
    boolean idle;
    synchronized (this) {
      pinned = false;
      idle = channelUsers == 0 && channel != null;
    }
    if (idle) {
      pool.idle(this);
    }
  }

  /** Closes the channel if no lease uses it and the segment is not active (pool eviction). */
  void closeChannelIfIdle() {
    synchronized (this) {
      if (channelUsers != 0 || pinned || channel == null) {
        return;
      }
      closeChannel();
    }
  }

  /** Whether the {@code .log} channel is open now. */
  boolean channelOpen() {
    return channel != null;
  }

  private void closeChannel() {
    assert Thread.holdsLock(this);
    FileChannel ch = channel;
    channel = null;
    pool.closed();
    try {
      ch.close();
    } catch (IOException e) {
      LOG.warn("closing {} failed", openPath, e);
    }
  }

  /** Takes a reference; false when the segment has already been closed. */
  private boolean tryRetain() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Drops a reference; the last one closes the files, or, for a segment renamed for deletion, hands
   * closing and unlinking to the {@link SegmentDeleter}, whatever thread this is.
   */
  void release() {
    int n = refs.decrementAndGet();
    if (n == 0) {
      SegmentDeleter d = deleter;
      if (d == null) {
        closeFiles();
      } else {
        d.handOver(this::closeAndUnlink);
      }
    } else if (n < 0) {
      throw new IllegalStateException("segment " + logPath + " released more than retained");
    }
  }

  int referenceCount() {
    return refs.get();
  }

  /**
   * Retention: renames the files to {@code .deleted} (the caller fsyncs the directory), so that a
   * crash before the last reader finishes leaves only leftovers that startup removes. Once the last
   * lease ends, {@code deleter} closes and unlinks them.
   */
  void renameForDeletion(SegmentDeleter deleter) throws IOException {
    deleter.scheduled();
    this.deleter = deleter;
    synchronized (this) { // a lease reopening the channel must find the file under its new name
      for (Path p : files()) {
        io.move(p, p.resolveSibling(p.getFileName() + LogFiles.DELETED_SUFFIX));
      }
      openPath = logPath.resolveSibling(logPath.getFileName() + LogFiles.DELETED_SUFFIX);
    }
  }

  private List<Path> files() {
    return List.of(logPath, offsetIndex.path, timeIndex.path);
  }

  private void closeFiles() {
    pool.busy(this); // out of the idle set for good
    synchronized (this) {
      pinned = true; // never idle again
      if (channel != null) {
        closeChannel();
      }
    }
    try {
      offsetIndex.close();
      timeIndex.close();
    } catch (IOException e) {
      LOG.warn("closing the indexes of segment {} failed", logPath, e);
    }
  }

  /** Closes the files and unlinks their {@code .deleted} names; on the deleter thread. */
  private void closeAndUnlink() {
    closeFiles();
    for (Path p : files()) {
      try {
        io.deleteIfExists(p.resolveSibling(p.getFileName() + LogFiles.DELETED_SUFFIX));
      } catch (IOException e) {
        LOG.warn("deleting {} failed; the next start removes it", p, e);
      }
    }
  }

  /** Deletes the files right away (recovery dropping a segment, before the log is published). */
  void deleteNow() throws IOException {
    release();
    for (Path p : files()) {
      io.deleteIfExists(p);
    }
  }

  Path directory() {
    return directory;
  }

  @Override
  public String toString() {
    return "LogSegment[" + logPath + ", size=" + size + "]";
  }
}
