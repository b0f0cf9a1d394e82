package io.sluice.broker;

import io.sluice.broker.group.OffsetsLog;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.storage.AppendResult;
import io.sluice.broker.storage.FileSlice;
import io.sluice.broker.storage.Log;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A partition of {@code __consumer_offsets} led here, as the group coordinator sees it ({@link
 * OffsetsLog}): replayed by reading the log's files, appended to exactly as an {@code acks=all}
 * produce is (the {@code min.insync.replicas} check before, the leader's fsync and the high
 * watermark after), with {@code offsets.commit.timeout.ms} as the request's timeout. Thread-safe
 * (the log is).
 */
final class OffsetsPartitionLog implements OffsetsLog {
  /** How much of the log one read of a replay takes (at least one whole batch). */
  private static final int READ_BYTES = 1 << 20;

  private final Log log;
  private final Replication replication;
  private final int commitTimeoutMs;

  OffsetsPartitionLog(Log log, Replication replication, int commitTimeoutMs) {
    this.log = log;
    this.replication = replication;
    this.commitTimeoutMs = commitTimeoutMs;
  }

  @Override
  public void replay(RecordVisitor visitor) {
    long offset = log.logStartOffset();
    long end = log.logEndOffset();
    while (offset < end) {
      ByteBuffer bytes = readAt(offset, end);
      RecordBatchReader reader = new RecordBatchReader(bytes);
      RecordBatch batch;
      long before = offset;
      while ((batch = reader.next()) != null) {
        if (batch.lastOffset() < offset) {
          continue; // the read starts at the batch holding the offset
        }
        if (!batch.isControlBatch()) {
          for (Record record : batch) {
            if (record.offset() >= offset) {
              visitor.record(record.offset(), record.key(), record.value());
            }
          }
        }
        offset = batch.nextOffset();
      }
      if (offset == before) {
        throw new IllegalStateException(
            log.topicPartition() + ": no whole batch at offset " + offset + " while loading");
      }
    }
  }

  private ByteBuffer readAt(long offset, long end) {
    FileSlice slice = log.read(offset, READ_BYTES, end);
    try {
      ByteBuffer buf = ByteBuffer.allocate(slice.length());
      long position = slice.position();
      while (buf.hasRemaining()) {
        int n = slice.channel().read(buf, position);
        if (n < 0) {
          break;
        }
        position += n;
      }
      return buf.flip();
    } catch (IOException e) {
      throw new UncheckedIOException(log.topicPartition() + ": read failed while loading", e);
    } finally {
      slice.release();
    }
  }

  @Override
  public CompletableFuture<Long> append(ByteBuffer batch) {
    String topic = log.topicPartition().topic();
    int partition = log.topicPartition().partition();
    Errors inSync = replication.checkInSyncReplicas(topic, partition);
    if (inSync != Errors.NONE) {
      return CompletableFuture.failedFuture(
          new SluiceException(
              inSync, "fewer in-sync replicas of " + log.topicPartition() + " than needed"));
    }
    AppendResult appended;
    try {
      appended = log.append(batch);
    } catch (SluiceException e) {
      return CompletableFuture.failedFuture(e);
    }
    long first = appended.firstOffset();
    return CompletableFuture.allOf(
            log.awaitFlush(appended.lastOffset()), log.awaitHighWatermark(appended.lastOffset()))
        .orTimeout(commitTimeoutMs, TimeUnit.MILLISECONDS)
        .handle(
            (ignored, error) -> {
              if (error == null) {
                return first;
              }
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof TimeoutException) {
                throw new CompletionException(
                    new SluiceException(
                        Errors.REQUEST_TIMED_OUT,
                        log.topicPartition()
                            + ": the in-sync replicas did not confirm within "
                            + commitTimeoutMs
                            + " ms"));
              }
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            });
  }
}
