package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive claim of one broker on one log directory: an OS file lock ({@code
 * FileChannel.tryLock}, {@code fcntl} on Linux) on the directory's {@code .lock} file, Kafka's
 * name, taken before anything else in the directory is read. The holder writes its pid into the
 * file so that a second broker can name it. The OS drops the lock when the process dies, however it
 * dies, so a stale {@code .lock} file never blocks a restart.
 *
 * <p>A second claim from the same JVM (two brokers in one test) fails the same way as one from
 * another process.
 *
 * <p>Thread safety: {@link #acquire} is a factory; {@link #close} may be called from any thread.
 */
final class LogDirLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private LogDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} for this process and records its pid.
   *
   * @throws SluiceException {@code KAFKA_STORAGE_ERROR} naming the directory and, when the file
   *     says, the pid of the process that holds it
   */
  static LogDirLock acquire(Path directory) {
    Path file = directory.resolve(LogFiles.LOCK);
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this JVM
      }
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw new SluiceException(
            Errors.KAFKA_STORAGE_ERROR,
            "log directory "
                + directory.toAbsolutePath().normalize()
                + " is in use by another broker"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + ": "
                + LogFiles.LOCK
                + " is locked");
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      return new LogDirLock(file, channel, lock);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new SluiceException(
          Errors.KAFKA_STORAGE_ERROR, "cannot lock log directory " + directory + ": " + e, e);
    }
  }

  /** The pid the holder wrote, or "" when the file is empty or unreadable. */
  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return text.chars().allMatch(Character::isDigit) ? text : "";
    } catch (IOException e) {
      return "";
    }
  }

  Path file() {
    return file;
  }

  /** Drops the lock (the file stays, as Kafka leaves it). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it as well
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing is lost: the lock goes with the channel or the process
    }
  }
}
