package io.sluice.broker.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped file of fixed-size entries, the shared machinery of {@link OffsetIndex} and
 * {@link TimeIndex}. The active segment's index is preallocated to {@code log.index.size.max.bytes}
 * (the tail is zeros) and trimmed to its entries when the segment rolls or the log closes.
 *
 * <p>Thread safety: one writer (holding the log's append lock) and any number of readers. The
 * writer stores an entry with absolute puts and then publishes it by writing the volatile entry
 * count; readers read the count first and then only entries below it, so they never see a
 * half-written entry. Remapping (trim, resize) swaps the volatile buffer reference; a reader still
 * holding the old mapping only reads entries that lie inside the file, so it stays safe.
 *
 * <p>No file descriptor stays open: the file is opened to map it (and to resize or trim it) and
 * closed again at once; a mapping does not depend on the channel that made it. A broker with many
 * partitions would otherwise hold two descriptors per segment for its indexes alone.
 *
 * <p>Implementation note: the index is a cache, never the truth. It carries no checksum; after an
 * unclean shutdown, or when {@link #sanityCheck} fails, it is rebuilt from the log (as Kafka does).
 */
abstract class MappedIndex implements Closeable {
  final Path path;
  final long baseOffset;
  private final int entrySize;
  private final FileIo io;
  private volatile MappedByteBuffer mmap;
  private volatile int entries;
  private int maxEntries;
  private final boolean misaligned;

  MappedIndex(Path path, long baseOffset, int entrySize, int maxIndexBytes, FileIo io)
      throws IOException {
    this.path = path;
    this.baseOffset = baseOffset;
    this.entrySize = entrySize;
    this.io = io;
    try (FileChannel channel = openChannel()) {
      long length = channel.size();
      this.misaligned = length % entrySize != 0;
      this.entries = (int) (length / entrySize);
      // A fresh file is preallocated; an existing one is mapped as it is until resize() is called.
      map(channel, length == 0 ? roundDown(maxIndexBytes) : roundDown(length));
    }
  }

  private FileChannel openChannel() throws IOException {
    return io.open(
        path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private int roundDown(long bytes) {
    return (int) (Math.min(bytes, Integer.MAX_VALUE) / entrySize * entrySize);
  }

  private void map(FileChannel channel, int bytes) throws IOException {
    mmap = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
    maxEntries = bytes / entrySize;
  }

  /** Whether the file's length was not a whole number of entries when it was opened. */
  final boolean misaligned() {
    return misaligned;
  }

  final MappedByteBuffer buffer() {
    return mmap;
  }

  final int entries() {
    return entries;
  }

  final int entrySize() {
    return entrySize;
  }

  final boolean isFull() {
    return entries >= maxEntries;
  }

  /** Starts writing entry number {@code entries}; the caller fills it and calls publish(). */
  final int nextEntryPosition() {
    if (isFull()) {
      throw new IllegalStateException("index " + path + " is full with " + entries + " entries");
    }
    return entries * entrySize;
  }

  final void publishEntry() {
    entries = entries + 1;
  }

  /** Forgets every entry from {@code count} on (recovery truncation, rebuild). */
  final void truncateToEntries(int count) {
    entries = Math.min(count, entries);
  }

  /** Maps the file at {@code maxIndexBytes} again so that the active segment can append. */
  final void resize(int maxIndexBytes) throws IOException {
    int bytes = Math.max(roundDown(maxIndexBytes), entries * entrySize);
    if (bytes != mmap.capacity()) {
      try (FileChannel channel = openChannel()) {
        if (channel.size() > bytes) {
          channel.truncate(bytes);
        }
        map(channel, bytes);
      }
    }
  }

  /** Cuts the file to its entries; done when the segment rolls and when the log closes. */
  final void trimToValidSize() throws IOException {
    int bytes = entries * entrySize;
    mmap.force();
    try (FileChannel channel = openChannel()) {
      channel.truncate(bytes);
      map(channel, bytes);
    }
  }

  final void flush() {
    mmap.force();
  }

  long sizeInBytes() {
    return (long) entries * entrySize;
  }

  /** Nothing to close: the mapping goes with its last reference (the file has no open channel). */
  @Override
  public void close() throws IOException {}
}
