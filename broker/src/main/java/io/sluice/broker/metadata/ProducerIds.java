package io.sluice.broker.metadata;

import io.sluice.broker.storage.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that are never reused, across restarts and crashes: ids are taken from
 * blocks, and the end of the current block is made durable ({@link DurableFile}) before the first
 * id of the block is given out. A crash wastes the rest of a block. Thread-safe (synchronized).
 *
 * <p>File format, {@code producer-id-block} in the first log directory: one big-endian int64, the
 * first id not yet reserved.
 */
public final class ProducerIds {
  static final String FILE_NAME = "producer-id-block";
  private static final long BLOCK = 1000;

  private final Path file;
  private long next;
  private long reservedEnd;

  public ProducerIds(Path dir) {
    this.file = dir.resolve(FILE_NAME);
    try {
      long start = Files.exists(file) ? ByteBuffer.wrap(Files.readAllBytes(file)).getLong() : 0;
      this.next = start;
      this.reservedEnd = start;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e, e);
    }
  }

  public synchronized long nextId() {
    if (next == reservedEnd) {
      reserve(reservedEnd + BLOCK);
    }
    return next++;
  }

  private void reserve(long end) {
    try {
      DurableFile.replace(file, ByteBuffer.allocate(Long.BYTES).putLong(0, end).array());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reserve producer ids in " + file, e);
    }
    reservedEnd = end;
  }
}
