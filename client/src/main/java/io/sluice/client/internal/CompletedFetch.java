package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchReader;
import io.sluice.protocol.record.TimestampType;
import java.util.Iterator;
import java.util.List;

/**
 * One partition of one Fetch answer, kept as the answer's bytes and turned into records only when
 * the application polls: Kafka's "completed fetch".
 *
 * <p>Two halves. {@link #receive} runs on the I/O thread while the response frame is alive: it
 * walks batch <em>headers</em> only, checks each complete batch's magic and CRC-32C (intrinsic, so
 * cheap) and header fields, computes {@link #nextFetchOffset()}, and retains a slice of the frame
 * covering the checked batches; nothing is copied. {@link #drain} runs on the application thread:
 * it walks the records from a cursor (batch, record), copies key, value and headers into a {@link
 * ConsumerRecord}, and stops after {@code max} records, so the next call goes on from there.
 *
 * <p>A batch that fails its header or CRC check ends the checked bytes; the failure is raised by
 * {@link #drain} only after the records before it were returned (as Kafka's consumer does), and so
 * is a malformed record inside a batch whose CRC matched. Either way {@link #failure()} is {@code
 * CORRUPT_MESSAGE} naming the partition and offset, and {@link #position()} is the offset of the
 * bad record (the batch's base offset for a bad batch).
 *
 * <p>Thread safety and ownership: built on the I/O thread, published to the application thread
 * through a queue (a happens-before edge), then confined to it. It owns one reference to the
 * retained bytes; {@link #release()} gives it back, is idempotent, and every path that drops a
 * fetch calls it; {@link #drain} calls it itself once the last record is returned. No view of the
 * bytes is read after release.
 */
final class CompletedFetch {
  private final TopicPartition partition;
  private final long fetchOffset;
  private final long nextFetchOffset;
  private final ByteBuf bytes;
  private final RecordBatchReader batches;
  private final SluiceClientException deferred;
  private RecordBatch batch;
  private Iterator<Record> records;
  private int recordIndex;
  private int timestampType;
  private long position;
  private SluiceClientException failure;
  private boolean finished;
  private boolean released;

  private CompletedFetch(
      TopicPartition partition,
      long fetchOffset,
      long nextFetchOffset,
      ByteBuf bytes,
      SluiceClientException deferred) {
    this.partition = partition;
    this.fetchOffset = fetchOffset;
    this.nextFetchOffset = nextFetchOffset;
    this.bytes = bytes;
    this.deferred = deferred;
    this.position = fetchOffset;
    this.batches =
        bytes == null
            ? null
            : new RecordBatchReader(bytes.nioBuffer(bytes.readerIndex(), bytes.readableBytes()));
    this.released = bytes == null;
  }

  /**
   * Checks the complete batches of {@code records} (the partition's bytes inside a response frame
   * that the caller still holds) and retains the checked ones. I/O thread.
   *
   * @param records the records field, or null; not retained by the caller
   * @param checkCrcs {@code check.crcs}: verify each batch's CRC-32C
   * @param partitionMaxBytes {@code max.partition.fetch.bytes}, for the "batch too large" check
   */
  static CompletedFetch receive(
      TopicPartition partition,
      ByteBuf records,
      long fetchOffset,
      boolean checkCrcs,
      int partitionMaxBytes) {
    if (records == null || !records.isReadable()) {
      return new CompletedFetch(partition, fetchOffset, fetchOffset, null, null);
    }
    int size = records.readableBytes();
    RecordBatchReader reader =
        new RecordBatchReader(records.nioBuffer(records.readerIndex(), size));
    long next = fetchOffset;
    int checked = 0;
    SluiceClientException deferred = null;
    while (true) {
      RecordBatch batch = null;
      try {
        batch = reader.next();
        if (batch == null) {
          break;
        }
        checkHeader(batch, checkCrcs);
      } catch (RuntimeException e) {
        long at = batch == null ? next : batch.baseOffset();
        deferred = corrupt(partition, at, "corrupt record batch", e);
        break;
      }
      checked = reader.bytesRead();
      next = Math.max(next, batch.nextOffset());
    }
    if (checked == 0 && deferred == null && size >= partitionMaxBytes) {
      deferred =
          new SluiceClientException(
              Errors.RECORD_LIST_TOO_LARGE,
              partition,
              "the batch at offset "
                  + fetchOffset
                  + " of "
                  + partition
                  + " is larger than max.partition.fetch.bytes="
                  + partitionMaxBytes,
              false,
              null);
    }
    ByteBuf kept = checked == 0 ? null : records.retainedSlice(records.readerIndex(), checked);
    return new CompletedFetch(partition, fetchOffset, next, kept, deferred);
  }

  /** An answer that is only the broker's error for the partition, raised when it is reached. */
  static CompletedFetch failed(TopicPartition partition, long fetchOffset, Errors error) {
    SluiceClientException e =
        new SluiceClientException(
            error,
            partition,
            "fetch of " + partition + " at offset " + fetchOffset + " failed: " + error);
    return new CompletedFetch(partition, fetchOffset, fetchOffset, null, e);
  }

  /**
   * What {@link RecordBatch#validate()} checks before its record walk: magic, CRC, and the header
   * fields the cursor relies on. The records themselves are checked as {@link #drain} reads them.
   */
  private static void checkHeader(RecordBatch batch, boolean checkCrcs) {
    if (batch.magic() != RecordBatch.MAGIC) {
      throw new IllegalStateException("magic=" + batch.magic() + " expected=" + RecordBatch.MAGIC);
    }
    if (checkCrcs && batch.crc() != batch.computeCrc()) {
      throw new IllegalStateException("crc=" + batch.crc() + " computed=" + batch.computeCrc());
    }
    int count = batch.recordCount();
    // Zero records spanning offsets: a compacted log's placeholder for removed batches.
    boolean placeholder = count == 0 && batch.lastOffsetDelta() >= 0;
    if (!placeholder && (count < 0 || batch.lastOffsetDelta() != count - 1)) {
      throw new IllegalStateException(
          "lastOffsetDelta=" + batch.lastOffsetDelta() + " but recordCount=" + count);
    }
    if (batch.baseOffset() < 0 || batch.baseOffset() > Long.MAX_VALUE - count) {
      throw new IllegalStateException("baseOffset=" + batch.baseOffset());
    }
  }

  private static SluiceClientException corrupt(
      TopicPartition tp, long offset, String what, RuntimeException e) {
    return new SluiceClientException(
        Errors.CORRUPT_MESSAGE,
        tp,
        what + " in " + tp + " at offset " + offset + ": " + e.getMessage(),
        false,
        e);
  }

  TopicPartition partition() {
    return partition;
  }

  long fetchOffset() {
    return fetchOffset;
  }

  /** Where the next fetch of this partition starts: after the last checked batch. */
  long nextFetchOffset() {
    return nextFetchOffset;
  }

  /** True if this answer holds nothing to return or raise (no complete batch, no failure). */
  boolean isEmpty() {
    return bytes == null && deferred == null;
  }

  /** True if the answer ends in a failure: no fetch should go out behind it. */
  boolean endsInFailure() {
    return deferred != null;
  }

  /** Bytes still retained (0 once released). */
  int retainedBytes() {
    return released ? 0 : bytes.readableBytes();
  }

  /** The offset of the next record {@link #drain} returns (or of the bad one, after a failure). */
  long position() {
    return position;
  }

  /** The failure {@link #drain} reached, or null; once set, {@link #drain} returns nothing more. */
  SluiceClientException failure() {
    return failure;
  }

  /** True once every record was returned and nothing failed; the bytes are released by then. */
  boolean isFinished() {
    return finished;
  }

  /**
   * Appends up to {@code max} records to {@code out}, from where the previous call stopped, and
   * returns how many. Stops early at the end or at a failure. Application thread.
   */
  int drain(List<ConsumerRecord<byte[], byte[]>> out, int max) {
    int added = 0;
    while (added < max && failure == null && !finished) {
      if (records == null || !records.hasNext()) {
        if (!nextBatch()) {
          break;
        }
        continue;
      }
      Record r;
      try {
        r = records.next();
      } catch (RuntimeException e) {
        fail(corrupt(partition, batch.baseOffset() + recordIndex, "malformed record", e));
        break;
      }
      recordIndex++;
      if (r.offset() < position) {
        continue; // the batch started before the offset fetched
      }
      out.add(BatchCodec.toConsumerRecord(partition, r, timestampType));
      position = r.offset() + 1;
      added++;
    }
    return added;
  }

  /** Moves the cursor to the next batch with records; false at the end or at a failure. */
  private boolean nextBatch() {
    if (batch != null) {
      position = Math.max(position, batch.nextOffset());
      batch = null;
      records = null;
    }
    RecordBatch next = released ? null : batches.next();
    if (next == null) {
      if (deferred != null) {
        fail(deferred);
      } else {
        finished = true;
        position = Math.max(position, nextFetchOffset);
        release();
      }
      return false;
    }
    if (next.isControlBatch() || next.nextOffset() <= position) {
      position = Math.max(position, next.nextOffset());
      return true;
    }
    try {
      // A compressed batch is decompressed here, on the application thread, as a whole.
      next = next.decompress();
      records = next.iterator();
    } catch (SluiceException e) {
      fail(
          e.error() == Errors.UNSUPPORTED_COMPRESSION_TYPE
              ? new SluiceClientException(
                  e.error(),
                  partition,
                  partition + " at offset " + next.baseOffset() + ": " + e.getMessage(),
                  false,
                  e)
              : corrupt(partition, next.baseOffset(), "corrupt record batch", e));
      return false;
    } catch (RuntimeException e) {
      fail(corrupt(partition, next.baseOffset(), "corrupt record batch", e));
      return false;
    }
    batch = next;
    recordIndex = 0;
    timestampType = next.timestampType() == TimestampType.LOG_APPEND_TIME ? 1 : 0;
    return true;
  }

  private void fail(SluiceClientException e) {
    failure = e;
    release();
  }

  /** Gives the retained bytes back; idempotent. The cursor is unusable afterwards. */
  void release() {
    batch = null;
    records = null;
    if (!released) {
      released = true;
      bytes.release();
    }
  }

  @Override
  public String toString() {
    return "CompletedFetch("
        + partition
        + ", fetchOffset="
        + fetchOffset
        + ", nextFetchOffset="
        + nextFetchOffset
        + ", position="
        + position
        + ", retained="
        + retainedBytes()
        + (deferred == null ? "" : ", ends in " + deferred.error())
        + ")";
  }
}
