package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition: an ordered set of segments, the last of which is active.
 *
 * <p>Invariants: segments are contiguous (each one's base offset is the previous one's end); only
 * the active segment grows; {@link #logEndOffset()} and the position it maps to are published
 * together in one volatile {@link End} after the bytes are written, so a reader never sees a
 * half-written batch; {@link #flushedOffset()} never exceeds the end and only grows (except when a
 * follower truncates a divergent tail: {@link #truncateTo}).
 *
 * <p>Thread safety: appends, rolls and retention take the append lock (one partition may be
 * appended from several event loops). Reads take no lock: a volatile end, a concurrent segment map
 * and a segment lease. Flush waiters are guarded by a separate flush lock, taken after the append
 * lock when both are needed (see docs/locks.md). The flusher thread calls {@link #flushNow}.
 */
public final class Log {
  private static final Logger LOG = LoggerFactory.getLogger(Log.class);

  /**
   * The published end: the next offset, where it starts in the active segment, and the bytes
   * appended since this log was opened (so a flush knows how many bytes it covered).
   */
  record End(long nextOffset, LogSegment segment, int position, long appendedBytes) {}

  final TopicPartition topicPartition;
  final Path directory;
  private volatile LogConfig config; // replaced whole by reconfigure
  private final Clock clock;
  private final FileIo io;
  private final SegmentChannelPool pool;
  private final LogHost host;
  private final LogReader reader;
  private final Object appendLock = new Object();
  private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
  private final ProducerStateTable producers = new ProducerStateTable();
  private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> highWatermarkListeners = new CopyOnWriteArrayList<>();
  private final HighWatermarkWaiters highWatermarkWaiters = new HighWatermarkWaiters();
  private LeaderEpochCache epochs; // set in the constructor; mutated under appendLock
  // -1: the high watermark is the log end (one replica). Otherwise set by replication; only
  // grows, except when a follower truncates below it.
  private volatile long highWatermark = -1;
  private final FlushTracker flush;
  private volatile End end;
  private volatile long logStartOffset;
  private volatile boolean closed;
  private volatile int leaderEpoch; // 0: a single node is leader of epoch 0
  private volatile CompactionSettings compaction; // null: not compacted
  private boolean stopped; // guarded by appendLock
  private final long openedEndOffset;
  private final LongAdder readBytes = new LongAdder();
  // appendedBytes covered by the last flush; flushes of one log never overlap (the flusher thread,
  // then the clean shutdown after the flusher stopped).
  private volatile long flushedBytesMark;

  Log(
      TopicPartition topicPartition,
      Path directory,
      LogConfig config,
      Clock clock,
      FileIo io,
      SegmentChannelPool pool,
      LogHost host,
      List<LogSegment> loaded,
      long nextOffset,
      long recoveryPoint)
      throws IOException {
    this.topicPartition = topicPartition;
    this.directory = directory;
    this.config = config;
    this.compaction = config.compaction();
    this.clock = clock;
    this.io = io;
    this.pool = pool;
    this.host = host;
    for (LogSegment segment : loaded) {
      segments.put(segment.baseOffset, segment);
    }
    LogSegment active = segments.lastEntry().getValue();
    this.end = new End(nextOffset, active, active.size(), 0);
    this.openedEndOffset = nextOffset;
    this.logStartOffset = segments.firstKey();
    this.flush = new FlushTracker(Math.min(recoveryPoint, nextOffset));
    this.reader =
        new LogReader(
            topicPartition,
            Collections.unmodifiableNavigableMap(segments),
            () -> end,
            () -> logStartOffset,
            config.maxMessageBytes());
    List<LeaderEpochCache.Entry> scanned = new ArrayList<>();
    rebuildProducerState(scanned);
    this.epochs = LeaderEpochCache.load(io, directory, false, scanned, nextOffset);
    // Loaded: every segment but the active one may give up its channel while no one reads it.
    for (LogSegment sealed : segments.headMap(active.baseOffset).values()) {
      sealed.unpin();
    }
  }

  /** Rebuilds the producer table from the batch headers, collecting their leader epochs. */
  private void rebuildProducerState(List<LeaderEpochCache.Entry> epochsSeen) throws IOException {
    for (LogSegment segment : segments.values()) {
      int position = 0;
      BatchHeader header;
      while ((header = segment.readHeader(position, segment.size())) != null) {
        if (header.idempotent()) {
          producers.update(header);
        }
        LeaderEpochCache.scanned(epochsSeen, header.partitionLeaderEpoch(), header.baseOffset());
        position += header.sizeInBytes();
      }
    }
  }

  public TopicPartition topicPartition() {
    return topicPartition;
  }

  /** The configuration in effect: the broker's, with the topic's overrides applied. */
  public LogConfig config() {
    return config;
  }

  /**
   * Applies a new configuration (a topic's overrides changed) to this live log: appends validated
   * from now on use its size and timestamp limits, the next roll and retention pass its segment and
   * retention settings, the cleaner its compaction settings. An append in progress finishes under
   * the old one.
   */
  void reconfigure(LogConfig newConfig) {
    synchronized (appendLock) {
      this.config = newConfig;
      this.compaction = newConfig.compaction(); // cleanup.policy may have gained or lost compact
    }
  }

  /**
   * Makes this log compacted with {@code settings} ({@code cleanup.policy} containing {@code
   * compact}), or not compacted with null; the cleaner threads pick it up at their next look.
   * Retention by time and size applies independently ({@code compact,delete}).
   */
  public void compact(CompactionSettings settings) {
    this.compaction = settings;
  }

  /** The compaction settings, or null when the log is not compacted. */
  public CompactionSettings compaction() {
    return compaction;
  }

  /**
   * Sets the leader epoch stamped into every batch appended from now on. Kafka overwrites the
   * producer's {@code partitionLeaderEpoch} with the leader's (the field lies outside the CRC); on
   * a single node that is 0, the default. A coordinated mode sets the epoch it was given.
   */
  public void leaderEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("leader epoch " + epoch + " < 0");
    }
    this.leaderEpoch = epoch;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  /**
   * Validates every batch (size, magic 2, CRC32C, counts, CreateTime within the configured bounds),
   * de-duplicates idempotent batches, assigns offsets and stamps the {@linkplain #leaderEpoch
   * leader epoch} by patching each batch's baseOffset and partitionLeaderEpoch in place in {@code
   * batches} (both outside the CRC), writes them all with one gathering write, indexes them and
   * then publishes the new end offset.
   *
   * @return the assigned offsets (Sluice topics use CreateTime: there is no append time to return)
   * @throws SluiceException with {@code CORRUPT_MESSAGE}, {@code INVALID_RECORD}, {@code
   *     MESSAGE_TOO_LARGE}, {@code RECORD_LIST_TOO_LARGE}, {@code INVALID_TIMESTAMP}, {@code
   *     INVALID_PRODUCER_EPOCH}, {@code OUT_OF_ORDER_SEQUENCE_NUMBER}, {@code
   *     DUPLICATE_SEQUENCE_NUMBER} or {@code KAFKA_STORAGE_ERROR}
   */
  public AppendResult append(ByteBuffer batches) {
    ByteBuffer buf = batches.duplicate(); // big-endian whatever the caller's order
    List<Integer> positions = new ArrayList<>();
    LogConfig cfg = config; // one configuration for the whole request
    List<BatchHeader> headers =
        AppendValidation.validate(topicPartition, cfg, buf, positions, clock.millis());
    int total = buf.remaining();
    if (total > config.segmentBytes()) {
      throw new SluiceException(
          Errors.RECORD_LIST_TOO_LARGE,
          topicPartition
              + ": "
              + total
              + " bytes exceed log.segment.bytes="
              + config.segmentBytes());
    }
    AppendResult result;
    synchronized (appendLock) {
      ensureWritable();
      long now = clock.millis();
      AppendResult duplicate = checkProducers(headers, now);
      if (duplicate != null) {
        return duplicate;
      }
      long first = end.nextOffset();
      long next = first;
      List<BatchHeader> assigned = new ArrayList<>(headers.size());
      long records = 0;
      for (int i = 0; i < headers.size(); i++) {
        BatchHeader h = headers.get(i);
        RecordBatch stored = RecordBatch.at(buf, positions.get(i));
        stored.setBaseOffset(next);
        stored.setPartitionLeaderEpoch(leaderEpoch);
        if (cfg.logAppendTime()) {
          stampLogAppendTime(buf, positions.get(i), now);
          h = h.withMaxTimestamp(now);
        }
        assigned.add(h.withBaseOffset(next));
        next += h.lastOffsetDelta() + 1L;
        records += h.recordCount();
      }
      assignEpoch(leaderEpoch, first);
      LogSegment active = maybeRoll(total, now, next - 1);
      try {
        active.append(new ByteBuffer[] {buf.duplicate()}, assigned, total, now);
      } catch (LogSegment.AppendFailure e) {
        if (!e.restored()) {
          host.markOffline(e);
        }
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            topicPartition + ": append of " + total + " bytes failed: " + e.getMessage(),
            e);
      }
      end = new End(next, active, active.size(), end.appendedBytes() + total);
      flush.appended(records, now);
      for (BatchHeader h : assigned) {
        if (h.idempotent()) {
          producers.update(h);
        }
      }
      result =
          new AppendResult(first, next - 1, logStartOffset, false, cfg.logAppendTime() ? now : -1);
    }
    for (Runnable listener : appendListeners) {
      listener.run();
    }
    if (flush.unflushedMessages() >= config.flushIntervalMessages()) {
      host.requestFlush(this);
    }
    return result;
  }

  /**
   * {@code message.timestamp.type=LogAppendTime}, as Kafka does it: the batch's timestamp type
   * becomes LogAppendTime and its {@code maxTimestamp} the broker's clock (consumers read every
   * record's timestamp as that); both lie inside the CRC, which is computed again.
   */
  private static void stampLogAppendTime(ByteBuffer buf, int position, long now) {
    short attributes = buf.getShort(position + RecordBatch.ATTRIBUTES_OFFSET);
    buf.putShort(position + RecordBatch.ATTRIBUTES_OFFSET, (short) (attributes | 0x08));
    buf.putLong(position + RecordBatch.MAX_TIMESTAMP_OFFSET, now);
    buf.putInt(position + RecordBatch.CRC_OFFSET, (int) RecordBatch.at(buf, position).computeCrc());
  }

  /** Records the epoch's start in the leader-epoch cache (append lock held). */
  private void assignEpoch(int epoch, long startOffset) {
    try {
      epochs.assign(epoch, startOffset);
    } catch (IOException e) {
      throw checkpointFailed(e);
    }
  }

  /** The leader-epoch checkpoint could not be written: the directory goes offline. */
  private SluiceException checkpointFailed(IOException e) {
    host.markOffline(e);
    return new SluiceException(
        Errors.KAFKA_STORAGE_ERROR,
        topicPartition + ": writing the leader-epoch checkpoint failed: " + e.getMessage(),
        e);
  }

  /**
   * A follower's append: the leader's batches exactly as the leader stored them (offsets and leader
   * epochs included; nothing is patched), checked (size, magic, CRC32C, counts; not the timestamps,
   * which the leader judged) and written with one gathering write. The first batch must start at
   * the log end and the batches must follow each other without gaps. Only whole batches are passed
   * in: the fetcher drops a partial batch at the end of a fetch response.
   *
   * @return the offsets of the appended batches
   * @throws SluiceException {@code CORRUPT_MESSAGE} for a damaged batch, {@code
   *     OFFSET_OUT_OF_RANGE} when the batches do not continue the log, {@code KAFKA_STORAGE_ERROR}
   */
  public AppendResult appendAsFollower(ByteBuffer batches) {
    ByteBuffer buf = batches.duplicate();
    List<Integer> positions = new ArrayList<>();
    List<BatchHeader> headers =
        AppendValidation.validateReplicated(topicPartition, config, buf, positions);
    int total = buf.remaining();
    AppendResult result;
    synchronized (appendLock) {
      ensureWritable();
      long now = clock.millis();
      long first = end.nextOffset();
      long next = first;
      long records = 0;
      for (BatchHeader h : headers) {
        if (h.baseOffset() != next) {
          throw new SluiceException(
              Errors.OFFSET_OUT_OF_RANGE,
              topicPartition
                  + ": replicated batch at offset "
                  + h.baseOffset()
                  + " does not continue the log at "
                  + next);
        }
        next = h.lastOffset() + 1;
        records += h.recordCount();
      }
      for (BatchHeader h : headers) {
        assignEpoch(h.partitionLeaderEpoch(), h.baseOffset());
      }
      LogSegment active = maybeRoll(total, now, next - 1);
      try {
        active.append(new ByteBuffer[] {buf.duplicate()}, headers, total, now);
      } catch (LogSegment.AppendFailure e) {
        if (!e.restored()) {
          host.markOffline(e);
        }
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            topicPartition + ": replicated append of " + total + " bytes failed: " + e.getMessage(),
            e);
      }
      end = new End(next, active, active.size(), end.appendedBytes() + total);
      flush.appended(records, now);
      for (BatchHeader h : headers) {
        if (h.idempotent()) {
          producers.update(h);
        }
      }
      result = new AppendResult(first, next - 1, logStartOffset, false);
    }
    for (Runnable listener : appendListeners) {
      listener.run();
    }
    if (flush.unflushedMessages() >= config.flushIntervalMessages()) {
      host.requestFlush(this);
    }
    return result;
  }

  /**
   * Cuts the log back so that it ends before {@code offset}: the batch holding {@code offset} and
   * everything after it go (a follower removing a tail the leader does not have; Kafka cuts whole
   * batches the same way). Durable before it returns: the cut segment is forced, later segments are
   * renamed for deletion, the checkpoints are written. The producer table is rebuilt, the
   * leader-epoch cache and the high watermark follow the new end, and waiters for the removed
   * offsets fail with {@code NOT_LEADER_OR_FOLLOWER}. Offsets below the log start are not touched.
   *
   * @return the new log end offset
   */
  public long truncateTo(long offset) {
    synchronized (appendLock) {
      ensureWritable();
      End current = end;
      if (offset >= current.nextOffset()) {
        return current.nextOffset();
      }
      long target = Math.max(offset, logStartOffset);
      try {
        Map.Entry<Long, LogSegment> holding = segments.floorEntry(target);
        LogSegment segment = holding.getValue();
        List<LogSegment> removed = new ArrayList<>(segments.tailMap(target, false).values());
        removed.remove(segment);
        int limit = segment == current.segment() ? current.position() : segment.size();
        int position = 0;
        long newEnd = segment.baseOffset;
        BatchHeader header;
        while ((header = segment.readHeader(position, limit)) != null
            && header.lastOffset() < target) {
          position += header.sizeInBytes();
          newEnd = header.lastOffset() + 1;
        }
        for (LogSegment gone : removed) {
          segments.remove(gone.baseOffset);
        }
        if (segment != current.segment()) {
          current.segment().unpin();
        }
        segment.truncateForReplication(position, config.maxMessageBytes());
        end = new End(newEnd, segment, position, current.appendedBytes());
        flush.truncated(
            newEnd,
            new SluiceException(
                Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " was truncated to " + newEnd));
        highWatermarkWaiters.failAll(
            new SluiceException(
                Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " was truncated to " + newEnd));
        producers.clear();
        rebuildProducerState(new ArrayList<>());
        epochs.truncateFromEnd(newEnd);
        long hw = highWatermark;
        if (hw > newEnd) {
          highWatermark = newEnd;
        }
        host.truncated(this, removed);
        LOG.info(
            "{}: truncated from end offset {} to {} ({} segment(s) removed)",
            topicPartition,
            current.nextOffset(),
            newEnd,
            removed.size());
        return newEnd;
      } catch (IOException e) {
        host.markOffline(e);
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            topicPartition + ": truncation to " + offset + " failed: " + e.getMessage(),
            e);
      }
    }
  }

  /**
   * A follower whose log ends below the leader's log start (the leader's retention or DeleteRecords
   * removed the offsets it would fetch next): every segment goes and the log starts over, empty, at
   * {@code offset}, which becomes its log start (Kafka's {@code truncateFullyAndStartAt}). Durable
   * before it returns, as {@link #truncateTo}: the new segment exists, the old ones are renamed for
   * deletion, the checkpoints name the new start. The producer table and the leader-epoch cache are
   * emptied (the batches fetched next fill them again), the high watermark is the new start, and
   * every flush and high-watermark waiter fails with {@code NOT_LEADER_OR_FOLLOWER}.
   *
   * @throws IllegalArgumentException when {@code offset} is not above the log end
   */
  public void truncateFullyAndStartAt(long offset) {
    synchronized (appendLock) {
      ensureWritable();
      End current = end;
      if (offset <= current.nextOffset()) {
        throw new IllegalArgumentException(
            topicPartition
                + ": cannot start over at "
                + offset
                + ", the log ends at "
                + current.nextOffset());
      }
      try {
        LogSegment fresh = LogSegment.create(directory, offset, config, io, pool, clock.millis());
        List<LogSegment> removed = new ArrayList<>(segments.values());
        segments.clear();
        segments.put(offset, fresh);
        current.segment().unpin();
        end = new End(offset, fresh, 0, current.appendedBytes());
        logStartOffset = offset;
        SluiceException gone =
            new SluiceException(
                Errors.NOT_LEADER_OR_FOLLOWER,
                topicPartition + " was emptied to start over at " + offset);
        flush.startedOver(offset, gone);
        highWatermarkWaiters.failAll(gone);
        producers.clear();
        epochs.truncateFromEnd(Long.MIN_VALUE);
        highWatermark = offset;
        host.truncated(this, removed);
        LOG.info(
            "{}: log ending at {} emptied to start over at the leader's log start {} ({}"
                + " segment(s) removed)",
            topicPartition,
            current.nextOffset(),
            offset,
            removed.size());
      } catch (IOException e) {
        host.markOffline(e);
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            topicPartition + ": starting over at " + offset + " failed: " + e.getMessage(),
            e);
      }
    }
  }

  /**
   * Writes the leader-epoch cache to {@code leader-epoch-checkpoint} from now on (cluster mode).
   */
  public void persistLeaderEpochs() {
    synchronized (appendLock) {
      if (!closed) {
        try {
          epochs = epochs.persisting();
        } catch (IOException e) {
          throw checkpointFailed(e);
        }
      }
    }
  }

  /**
   * Becoming leader in {@code epoch}: batches appended from now on are stamped with it, and the
   * leader-epoch cache records that it starts at the current log end (Kafka does the same), so an
   * {@code OffsetForLeaderEpoch} for the previous epoch ends here even before anything is written.
   */
  public void becomeLeader(int epoch) {
    synchronized (appendLock) {
      leaderEpoch(epoch);
      if (!closed && epoch > epochs.latestEpoch()) {
        assignEpoch(epoch, end.nextOffset());
      }
    }
  }

  /** The latest leader epoch this log has batches of (or was led in), -1 if none. */
  public int latestEpoch() {
    return epochs.latestEpoch();
  }

  /**
   * Where {@code epoch} ends in this log: the largest known epoch at or below it and the first
   * offset of the epoch after that (the log end for the latest); {@code {-1, -1}} if none is known.
   *
   * @return {@code [epoch, endOffset]}
   */
  public long[] endOffsetForEpoch(int epoch) {
    LeaderEpochCache.EpochEnd found = epochs.endOffsetFor(epoch, end.nextOffset());
    return new long[] {found.epoch(), found.endOffset()};
  }

  /** Null when every batch is new; the original result when the request is a duplicate. */
  private AppendResult checkProducers(List<BatchHeader> headers, long now) {
    Map<Long, BatchHeader> pending = new HashMap<>();
    for (BatchHeader h : headers) {
      if (!h.idempotent()) {
        continue;
      }
      ProducerStateTable.BatchMetadata known = producers.check(h, pending);
      if (known != null) {
        if (headers.size() == 1) {
          return new AppendResult(known.firstOffset(), known.lastOffset(), logStartOffset, true);
        }
        throw new SluiceException(
            Errors.DUPLICATE_SEQUENCE_NUMBER,
            topicPartition
                + ": duplicate batch producerId="
                + h.producerId()
                + " sequence="
                + h.baseSequence()
                + " inside a request of "
                + headers.size()
                + " batches");
      }
      pending.put(h.producerId(), h);
    }
    return null;
  }

  private void ensureWritable() {
    if (stopped) {
      throw new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " is closed");
    }
    host.ensureOnline();
  }

  /** Rolls when the active segment is full, too old, or its indexes are full. Lock held. */
  private LogSegment maybeRoll(int bytes, long now, long lastOffset) {
    End current = end;
    LogSegment active = current.segment();
    boolean roll =
        active.size() > 0
            && ((long) active.size() + bytes > config.segmentBytes()
                || now - active.createdMs() >= config.rollMs()
                || active.indexesFull()
                || lastOffset - active.baseOffset > Integer.MAX_VALUE);
    if (!roll) {
      return active;
    }
    try {
      LogSegment next = LogSegment.create(directory, current.nextOffset(), config, io, pool, now);
      active.seal();
      active.unpin();
      segments.put(next.baseOffset, next);
      end = new End(current.nextOffset(), next, 0, current.appendedBytes());
      flush.directoryChanged();
      LOG.debug("{}: rolled to segment {}", topicPartition, next.baseOffset);
    } catch (IOException e) {
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, topicPartition + ": roll failed: " + e.getMessage(), e);
    }
    // Kafka flushes the sealed segment soon after a roll; that is what moves the recovery point.
    host.requestFlush(this);
    return end.segment();
  }

  /**
   * A slice starting at the batch that holds {@code offset} and ending at or before the published
   * end; at least the whole first batch even when it is larger than {@code maxBytes}, otherwise cut
   * at {@code maxBytes} (possibly inside a batch, as Kafka does). Empty when {@code offset} is the
   * end.
   *
   * @throws SluiceException {@code OFFSET_OUT_OF_RANGE} outside [logStartOffset, logEndOffset],
   *     {@code CORRUPT_MESSAGE} when the batch at {@code offset} fails its CRC
   */
  public FileSlice read(long offset, int maxBytes) {
    return read(offset, maxBytes, Long.MAX_VALUE);
  }

  /**
   * As {@link #read(long, int)}, but ending at or before {@code maxOffset} (a consumer reads below
   * the high watermark, which lies on a batch boundary): empty when {@code offset} is at or past
   * it.
   */
  public FileSlice read(long offset, int maxBytes, long maxOffset) {
    FileSlice slice = reader.read(offset, maxBytes, maxOffset);
    readBytes.add(slice.length());
    return slice;
  }

  /** Records appended since this log was opened (duplicates of idempotent batches not counted). */
  public long appendedRecords() {
    return end.nextOffset() - openedEndOffset;
  }

  /** Bytes of record batches appended since this log was opened. */
  public long appendedBytes() {
    return end.appendedBytes();
  }

  /** Bytes of the slices {@link #read} handed out since this log was opened. */
  public long readBytes() {
    return readBytes.sum();
  }

  /** Bytes of all segments' {@code .log} files (indexes not counted). */
  public long sizeInBytes() {
    long total = 0;
    for (LogSegment segment : segments.values()) {
      total += segment.size();
    }
    return total;
  }

  /** The segments by base offset (tests look at them; the log alone changes them). */
  NavigableMap<Long, LogSegment> segments() {
    return Collections.unmodifiableNavigableMap(segments);
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return end.nextOffset();
  }

  /**
   * The high watermark: consumers see offsets below it. With a single replica it is the log end
   * offset; with replication, what {@link #updateHighWatermark} last set (never above the end).
   */
  public long highWatermark() {
    long hw = highWatermark;
    long logEnd = end.nextOffset();
    return hw < 0 ? logEnd : Math.min(hw, logEnd);
  }

  /** Whether replication sets the high watermark (false: it is the log end). */
  public boolean replicatedHighWatermark() {
    return highWatermark >= 0;
  }

  /**
   * Replication sets the high watermark: on a leader the minimum log end over the in-sync replicas,
   * on a follower what the leader said (at most its own end). It only grows; a smaller value is
   * ignored unless {@code reset} (a new role). Runs the high-watermark listeners and the append
   * listeners (parked fetches) when it grows.
   */
  public void updateHighWatermark(long offset, boolean reset) {
    boolean grew;
    synchronized (appendLock) {
      long target = Math.min(offset, end.nextOffset());
      long current = highWatermark;
      if (!reset && current >= 0 && target <= current) {
        return;
      }
      grew = target > current;
      highWatermark = target;
    }
    if (grew) {
      highWatermarkWaiters.advanced(highWatermark());
      for (Runnable listener : highWatermarkListeners) {
        listener.run();
      }
      for (Runnable listener : appendListeners) {
        listener.run();
      }
    }
  }

  /** Back to one replica: the high watermark is the log end again. */
  public void followLogEnd() {
    highWatermark = -1;
    highWatermarkWaiters.advanced(highWatermark());
    for (Runnable listener : highWatermarkListeners) {
      listener.run();
    }
  }

  /**
   * Completes once the high watermark passes {@code offset} (an {@code acks=all} produce waiting
   * for the in-sync replicas); at once when it already has, or when the log has one replica.
   */
  public CompletableFuture<Void> awaitHighWatermark(long offset) {
    CompletableFuture<Void> future = highWatermarkWaiters.await(offset, highWatermark());
    if (!future.isDone() && highWatermark() > offset) {
      highWatermarkWaiters.advanced(highWatermark()); // moved while it was being registered
    }
    return future;
  }

  /** Fails every produce waiting for the high watermark (this broker stopped leading the log). */
  public void failHighWatermarkWaiters(SluiceException error) {
    highWatermarkWaiters.failAll(error);
  }

  /** Runs {@code listener} whenever the high watermark grows (on the thread that moved it). */
  public void addHighWatermarkListener(Runnable listener) {
    highWatermarkListeners.add(listener);
  }

  public void removeHighWatermarkListener(Runnable listener) {
    highWatermarkListeners.remove(listener);
  }

  /** All offsets below this are on disk (fsynced); the recovery point. */
  public long flushedOffset() {
    return flush.flushedOffset();
  }

  /**
   * The offset and timestamp of the first record whose timestamp is at least {@code timestamp}
   * ({@link TimestampOffset#NONE} if none; batch-granular for compressed batches).
   */
  public TimestampOffset offsetForTimestamp(long timestamp) {
    return reader.offsetForTimestamp(timestamp);
  }

  /**
   * Completes once an fsync covers {@code offset} (this is what {@code acks=all} waits on);
   * completes exceptionally with {@code KAFKA_STORAGE_ERROR} if the directory goes offline first.
   */
  public CompletableFuture<Void> awaitFlush(long offset) {
    CompletableFuture<Void> future = flush.await(offset, host);
    if (!future.isDone()) {
      host.requestFlush(this);
    }
    return future;
  }

  /** Runs {@code listener} after each successful append (on the appending thread). */
  public void addAppendListener(Runnable listener) {
    appendListeners.add(listener);
  }

  public void removeAppendListener(Runnable listener) {
    appendListeners.remove(listener);
  }

  /**
   * Forces every segment holding offsets between the flushed offset and the end captured at the
   * start, then completes the waiters it covered. Called by the flusher thread only.
   */
  /**
   * Flushes what was appended up to the current end.
   *
   * @return the bytes appended since the previous flush that this one covered, or -1 when there was
   *     nothing to flush
   */
  long flushNow() throws IOException {
    boolean directoryChanged = flush.beginFlush();
    End target = end;
    long from = flush.flushedOffset();
    if (target.nextOffset() <= from && !directoryChanged) {
      return -1;
    }
    if (directoryChanged) {
      io.fsyncDirectory(directory);
    }
    Long firstKey = segments.floorKey(from);
    long lowest = firstKey == null ? segments.firstKey() : firstKey;
    long highest = target.segment().baseOffset;
    // The range is empty when only the directory changed (a roll after the last flush starts a
    // segment above the captured end) or when retention removed the captured segment since.
    NavigableMap<Long, LogSegment> range =
        lowest <= highest
            ? segments.subMap(lowest, true, highest, true)
            : Collections.emptyNavigableMap();
    for (LogSegment segment : range.values()) {
      if (segment.lease()) {
        try {
          segment.flush();
        } finally {
          segment.unlease();
        }
      }
    }
    flush.completed(target.nextOffset());
    long bytes = target.appendedBytes() - flushedBytesMark;
    flushedBytesMark = target.appendedBytes();
    return bytes;
  }

  boolean flushDue(long now) {
    return flush.due(now, config.flushIntervalMs());
  }

  void failWaiters(Throwable cause) {
    flush.failAll(cause);
  }

  /**
   * Retention: removes the oldest sealed segments that are older than {@code log.retention.ms} or
   * beyond {@code log.retention.bytes}, and advances the log start. The caller persists the new log
   * start, then renames and releases the returned segments.
   */
  List<LogSegment> removeExpiredSegments(long now) {
    synchronized (appendLock) {
      List<LogSegment> removed =
          RetentionPolicy.expired(segments.values(), end.segment(), config, now);
      for (LogSegment s : removed) {
        segments.remove(s.baseOffset);
      }
      if (!removed.isEmpty()) {
        // DeleteRecords may have moved the start into the segment that is now first.
        logStartOffset = Math.max(logStartOffset, segments.firstKey());
        producers.removeBefore(logStartOffset);
        LOG.info(
            "{}: retention deleted {} segment(s); logStartOffset={}",
            topicPartition,
            removed.size(),
            logStartOffset);
      }
      return removed;
    }
  }

  /**
   * DeleteRecords: moves the log start offset up to {@code offset} ({@code -1}: the high watermark)
   * and removes the sealed segments wholly below it. Never moves the start back. The caller
   * persists the new log start, then renames and releases the returned segments.
   *
   * @throws SluiceException {@code OFFSET_OUT_OF_RANGE} for an offset above the high watermark or
   *     below -1
   */
  List<LogSegment> advanceLogStart(long offset) {
    synchronized (appendLock) {
      long target = offset == -1 ? highWatermark() : offset;
      if (target < 0 || target > highWatermark()) {
        throw new SluiceException(
            Errors.OFFSET_OUT_OF_RANGE,
            topicPartition
                + ": cannot delete records before offset "
                + offset
                + ": the high watermark is "
                + highWatermark());
      }
      List<LogSegment> removed = new ArrayList<>();
      if (target <= logStartOffset) {
        return removed;
      }
      logStartOffset = target;
      LogSegment active = end.segment();
      for (Map.Entry<Long, LogSegment> entry : segments.entrySet()) {
        Long next = segments.higherKey(entry.getKey());
        if (entry.getValue() == active || next == null || next > target) {
          break;
        }
        removed.add(entry.getValue());
      }
      for (LogSegment s : removed) {
        segments.remove(s.baseOffset);
      }
      producers.removeBefore(logStartOffset);
      LOG.info(
          "{}: records deleted before offset {} ({} segment(s) removed)",
          topicPartition,
          target,
          removed.size());
      return removed;
    }
  }

  /**
   * At load: the checkpointed log start (DeleteRecords may have left it inside the first segment),
   * never below the first segment's base nor above the log end.
   */
  void restoreLogStart(long checkpointed) {
    synchronized (appendLock) {
      logStartOffset = Math.max(logStartOffset, Math.min(checkpointed, end.nextOffset()));
    }
  }

  /**
   * The record with the largest timestamp (ListOffsets -3): that timestamp, and the last offset of
   * the batch that holds it (the first such batch); {@link TimestampOffset#NONE} in an empty log.
   */
  public TimestampOffset maxTimestampOffset() {
    LogSegment best = null;
    for (LogSegment segment : segments.values()) {
      if (segment.maxTimestamp() >= 0
          && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
        best = segment;
      }
    }
    return best == null
        ? TimestampOffset.NONE
        : new TimestampOffset(best.offsetOfMaxTimestamp(), best.maxTimestamp());
  }

  /** The idempotent producers that have batches in this log (DescribeProducers); a snapshot. */
  public List<ProducerStateTable.ProducerState> activeProducers() {
    synchronized (appendLock) {
      return producers.snapshot();
    }
  }

  /**
   * Compaction: replaces the sealed segment {@code old} by the cleaned file {@code swap} (the same
   * base offset and offsets covered, already durable). Under the append lock, so that retention and
   * close see one of the two, never both: renames the old files to {@code .deleted} (leases keep
   * reading them; the deleter unlinks them after the last one), renames {@code swap} to the
   * segment's name, opens it with rebuilt indexes, publishes it, and fsyncs the directory. A crash
   * anywhere in between is finished by recovery ({@link LogLoader}). Returns false, deleting {@code
   * swap}, when {@code old} is no longer one of the log's sealed segments.
   *
   * @throws IOException after which the caller takes the directory offline: the files and the
   *     segment map may disagree until the next start
   */
  boolean replaceSegment(LogSegment old, Path swap, SegmentDeleter deleter, LogCleaner.Hook hook)
      throws IOException {
    synchronized (appendLock) {
      if (closed || segments.get(old.baseOffset) != old || end.segment() == old) {
        io.deleteIfExists(swap);
        return false;
      }
      hook.before(LogCleaner.Step.RENAME_OLD_TO_DELETED, old.baseOffset);
      old.renameForDeletion(deleter);
      hook.before(LogCleaner.Step.RENAME_SWAP_TO_LOG, old.baseOffset);
      io.move(swap, old.logPath);
      LogSegment fresh =
          LogSegment.open(directory, old.baseOffset, config, io, pool, clock.millis());
      SegmentRecovery.rebuildIndexes(fresh, config.maxMessageBytes());
      fresh.markVerified();
      segments.put(old.baseOffset, fresh);
      fresh.unpin();
      hook.before(LogCleaner.Step.SYNC_DIRECTORY_AFTER_PUBLISH, old.baseOffset);
      io.fsyncDirectory(directory);
    }
    old.release();
    return true;
  }

  /** Refuses appends from now on; an append in progress finishes first. Reads keep working. */
  void stopAppends() {
    synchronized (appendLock) {
      stopped = true;
    }
  }

  /** Seals the active segment's indexes and drops the log's own segment references. */
  void close() {
    synchronized (appendLock) {
      if (closed) {
        return;
      }
      closed = true;
      stopped = true;
      try {
        end.segment().seal();
      } catch (IOException e) {
        LOG.warn("{}: trimming the active indexes failed; they will be rebuilt", topicPartition, e);
      }
      for (LogSegment s : segments.values()) {
        s.release();
      }
    }
    flush.failAll(new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " closed"));
    highWatermarkWaiters.failAll(
        new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " closed"));
  }

  /** Drops the segment references without touching the files (crash tests). */
  void abandon() {
    synchronized (appendLock) {
      if (closed) {
        return;
      }
      closed = true;
      stopped = true;
      for (LogSegment s : segments.values()) {
        s.release();
      }
    }
    flush.failAll(new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " closed"));
    highWatermarkWaiters.failAll(
        new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, topicPartition + " closed"));
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "Log["
        + topicPartition
        + ", start="
        + logStartOffset
        + ", end="
        + end.nextOffset()
        + "]";
  }
}
