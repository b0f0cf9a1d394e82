package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash leaves the old content or the new, never a torn mix: write
 * {@code <file>.tmp} beside it, fsync it, rename it over the file, fsync the directory. The one
 * implementation of this for the broker's state files: the storage checkpoints, committed offsets,
 * the producer-id block, {@code meta.properties} and the consumer-group checkpoint.
 *
 * <p>A crash before the rename leaves a stale temp file, which the next replace truncates.
 * Stateless and thread-safe; callers serialize writes to one file.
 */
public final class DurableFile {
  private DurableFile() {}

  /** Replaces {@code file} with {@code content} durably, on the real file system. */
  public static void replace(Path file, byte[] content) throws IOException {
    replace(FileIo.system(), file, content);
  }

  /** The same through the storage engine's I/O seam, so that tests can inject faults. */
  static void replace(FileIo io, Path file, byte[] content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + LogFiles.TEMP_SUFFIX);
    try (FileChannel channel =
        io.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    io.move(temp, file);
    // Through the absolute path: a relative file name has no parent to open.
    io.fsyncDirectory(file.toAbsolutePath().getParent());
  }
}
