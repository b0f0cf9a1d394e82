package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The seam in front of every file operation the storage engine performs, so that tests can
 * substitute a channel that tears writes, loses unsynced data, runs out of space or fails fsync.
 * Production code uses {@link #system()}. Memory-mapped index files are mapped through the channel
 * this returns; their contents are a cache that recovery rebuilds, so they need no fault model.
 *
 * <p>Implementations must be thread-safe.
 */
interface FileIo {

  FileChannel open(Path path, OpenOption... options) throws IOException;

  /** Renames atomically, replacing the target. The caller fsyncs the directory afterwards. */
  void move(Path from, Path to) throws IOException;

  void deleteIfExists(Path path) throws IOException;

  /** Makes the directory's entries (creates, renames, deletes) durable. */
  void fsyncDirectory(Path directory) throws IOException;

  static FileIo system() {
    return SystemFileIo.INSTANCE;
  }

  /** The real file system. */
  final class SystemFileIo implements FileIo {
    static final SystemFileIo INSTANCE = new SystemFileIo();

    private SystemFileIo() {}

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
      return FileChannel.open(path, options);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
      Files.deleteIfExists(path);
    }

    @Override
    public void fsyncDirectory(Path directory) throws IOException {
      // Linux allows opening a directory read-only and fsyncing it; that persists its entries.
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    }
  }
}
