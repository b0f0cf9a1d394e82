package io.sluice.broker.metadata;

import io.sluice.broker.storage.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Hands out producer ids that are never reused, across restarts and crashes: ids are taken from
 * blocks, and the end of the current block is made durable ({@link DurableFile}) before the first
 * id of the block is given out. A crash wastes the rest of a block.
 *
 * <p>An id from the current block is handed out on the calling thread; reserving the next block (a
 * file write and two fsyncs) runs on the executor given at construction (owned by the broker), so
 * an event loop never waits for the disk. Thread-safe: {@link #next} and {@link #reservedEnd} are
 * guarded by this object's monitor, which is never held during I/O; the file is written under
 * {@link #reserving}, which only the reserving executor takes.
 *
 * <p>File format, {@code producer-id-block} in the first log directory: one big-endian int64, the
 * first id not yet reserved.
 */
public final class ProducerIds {
  static final String FILE_NAME = "producer-id-block";
  private static final long BLOCK = 1000;

  private final Path file;
  private final Executor reserver;
  private final long stride;
  private final long offset;
  private final Object reserving = new Object();
  private long next;
  private long reservedEnd;

  /** Producer ids whose blocks are reserved on the calling thread (tests). */
  ProducerIds(Path dir) {
    this(dir, Runnable::run);
  }

  public ProducerIds(Path dir, Executor reserver) {
    this(dir, reserver, 1, 0);
  }

  /**
   * Producer ids interleaved with other brokers' (cluster mode): the n-th id this broker hands out
   * is {@code n * stride + offset}, so brokers with distinct offsets below the same stride never
   * hand out the same id, without coordinating.
   */
  public ProducerIds(Path dir, Executor reserver, int stride, int offset) {
    if (stride < 1 || offset < 0 || offset >= stride) {
      throw new IllegalArgumentException("offset " + offset + " outside 0.." + (stride - 1));
    }
    this.stride = stride;
    this.offset = offset;
    this.file = dir.resolve(FILE_NAME);
    this.reserver = reserver;
    try {
      long start = Files.exists(file) ? ByteBuffer.wrap(Files.readAllBytes(file)).getLong() : 0;
      this.next = start;
      this.reservedEnd = start;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * A fresh producer id: completed at once while the current block lasts, else once the next block
   * is durable (on the reserving executor), or exceptionally if it cannot be made durable.
   */
  public CompletableFuture<Long> nextId() {
    synchronized (this) {
      if (next < reservedEnd) {
        return CompletableFuture.completedFuture(next++ * stride + offset);
      }
    }
    return CompletableFuture.supplyAsync(this::nextIdReserving, reserver)
        .thenApply(n -> n * stride + offset);
  }

  /** Runs on the reserving executor: takes an id, reserving a new block first if none is left. */
  private long nextIdReserving() {
    synchronized (reserving) {
      long end;
      synchronized (this) {
        if (next < reservedEnd) {
          return next++;
        }
        end = reservedEnd + BLOCK;
      }
      try {
        DurableFile.replace(file, ByteBuffer.allocate(Long.BYTES).putLong(0, end).array());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot reserve producer ids in " + file, e);
      }
      synchronized (this) {
        reservedEnd = end;
        return next++;
      }
    }
  }
}
