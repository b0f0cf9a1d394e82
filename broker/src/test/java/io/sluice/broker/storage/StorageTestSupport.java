package io.sluice.broker.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared helpers of the storage tests: configs, slice contents, batch walks. */
final class StorageTestSupport {
  static final TopicPartition TP = new TopicPartition("orders", 0);

  private StorageTestSupport() {}

  /** Small segments and dense indexes so that tests exercise rolls and index lookups. */
  static LogConfig smallConfig(Path dir) {
    return LogConfig.builder(List.of(dir))
        .segmentBytes(16 * 1024)
        .indexIntervalBytes(256)
        .indexSizeMaxBytes(4096)
        .flushIntervalMs(Long.MAX_VALUE)
        .flushIntervalMessages(Long.MAX_VALUE)
        .build();
  }

  /** Polls {@code condition} every millisecond until it holds; fails after 30 s. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** Reads a slice's bytes through its channel, then releases it. */
  static byte[] readAndRelease(FileSlice slice) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(slice.length());
      long position = slice.position();
      while (buf.hasRemaining()) {
        int n = slice.channel().read(buf, position);
        if (n < 0) {
          throw new IOException("EOF in " + slice);
        }
        position += n;
      }
      return buf.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      slice.release();
    }
  }

  /** The base offsets of the complete batches in {@code bytes}. */
  static List<Long> baseOffsets(byte[] bytes) {
    List<Long> offsets = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int at = 0;
    while (at + 12 <= bytes.length) {
      int size = buf.getInt(at + 8) + 12;
      if (at + size > bytes.length) {
        break;
      }
      offsets.add(buf.getLong(at));
      at += size;
    }
    return offsets;
  }

  /** Reads the whole log from {@code from} to its end, batch by batch, checking every CRC. */
  static List<byte[]> readAllBatches(Log log, long from) {
    List<byte[]> batches = new ArrayList<>();
    long offset = from;
    while (offset < log.logEndOffset()) {
      byte[] bytes = readAndRelease(log.read(offset, 1));
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      int size = buf.getInt(8) + 12;
      byte[] batch = new byte[size];
      buf.get(batch);
      if (BatchHeader.check(ByteBuffer.wrap(batch), 0, size, Integer.MAX_VALUE) != null) {
        throw new AssertionError("served an invalid batch at offset " + offset);
      }
      batches.add(batch);
      offset = ByteBuffer.wrap(batch).getLong(0) + ByteBuffer.wrap(batch).getInt(23) + 1;
    }
    return batches;
  }
}
