package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FileIo} that models a disk with a volatile page cache, after SQLite's crash test VFS: it
 * remembers what each file held at its last fsync and which directory entries were not yet fsynced,
 * and {@link #simulatePowerLoss} rewinds the files to that state, keeping a random prefix of
 * unsynced appends or replacing it with garbage. It also injects seeded faults: ENOSPC (with a torn
 * partial write) at the n-th write, EIO at the n-th fsync point.
 *
 * <p>Memory-mapped index files are left as they are: the engine treats them as a cache.
 */
final class FaultyFileIo implements FileIo {
  /** What survives of unsynced appends at a power loss. */
  enum Loss {
    ALL_LOST,
    RANDOM_PREFIX,
    GARBAGE_TAIL
  }

  private final FileIo real = FileIo.system();
  private final Map<Path, byte[]> durable = new HashMap<>();
  private final Set<Path> written = new HashSet<>();
  private final List<Runnable> pendingUndo = new ArrayList<>();
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private volatile int failWriteAt = -1;
  private volatile int tornBytes;
  private volatile int failSyncAt = -1;
  private volatile boolean crashOnSyncFailure;
  private volatile boolean crashed;

  /** The n-th write from now (1-based) writes {@code torn} bytes, then fails with ENOSPC. */
  void failWrite(int nth, int torn) {
    failWriteAt = writes.get() + nth;
    tornBytes = torn;
  }

  /** The n-th fsync point (file or directory) fails with EIO; the machine then dies. */
  void failSync(int nth) {
    failSync(nth, true);
  }

  /** The n-th fsync point fails with EIO; with {@code crash} nothing reaches the disk after it. */
  void failSync(int nth, boolean crash) {
    crashOnSyncFailure = crash;
    failSyncAt = syncs.get() + nth;
  }

  void clearFaults() {
    failWriteAt = -1;
    failSyncAt = -1;
  }

  int syncCount() {
    return syncs.get();
  }

  boolean crashed() {
    return crashed;
  }

  @Override
  public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
    boolean existed = Files.exists(path);
    FileChannel channel = real.open(path, options);
    if (!existed) {
      durable.put(path, new byte[0]);
      pendingUndo.add(() -> deleteQuietly(path));
    } else if (!durable.containsKey(path)) {
      durable.put(path, Files.readAllBytes(path));
    }
    if (Arrays.asList(options).contains(StandardOpenOption.TRUNCATE_EXISTING)) {
      written.add(path);
    }
    return new SimChannel(path, channel);
  }

  @Override
  public synchronized void move(Path from, Path to) throws IOException {
    checkAlive();
    byte[] previousTo = Files.exists(to) ? durable.getOrDefault(to, Files.readAllBytes(to)) : null;
    byte[] fromContent = durable.get(from);
    real.move(from, to);
    if (fromContent != null) {
      durable.put(to, fromContent);
      durable.remove(from);
    }
    if (written.remove(from)) {
      written.add(to);
    }
    pendingUndo.add(
        () -> {
          try {
            if (Files.exists(to)) {
              Files.move(to, from);
            }
            if (previousTo != null) {
              Files.write(to, previousTo);
            }
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Override
  public synchronized void deleteIfExists(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    byte[] content = durable.containsKey(path) ? durable.get(path) : Files.readAllBytes(path);
    real.deleteIfExists(path);
    durable.remove(path);
    written.remove(path);
    if (!Files.isDirectory(path)) {
      pendingUndo.add(
          () -> {
            try {
              if (Files.exists(path.getParent())) {
                Files.write(path, content);
              }
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }

  @Override
  public void fsyncDirectory(Path directory) throws IOException {
    syncPoint("fsync of directory " + directory);
    real.fsyncDirectory(directory);
    synchronized (this) {
      // Simplification: one fsync of any directory makes every pending entry durable.
      pendingUndo.clear();
    }
  }

  private void syncPoint(String what) throws IOException {
    checkAlive();
    int n = syncs.incrementAndGet();
    if (n == failSyncAt) {
      crashed = crashOnSyncFailure;
      throw new IOException("Input/output error (injected at sync point " + n + ": " + what + ")");
    }
  }

  private void checkAlive() throws IOException {
    if (crashed) {
      throw new IOException("Input/output error (the machine lost power)");
    }
  }

  /**
   * Power loss: every file written through this seam goes back to its last fsynced content plus,
   * depending on {@code loss}, a random prefix of its unsynced tail or garbage of that length;
   * directory entries not fsynced are undone, a random suffix of them at a time.
   */
  synchronized void simulatePowerLoss(Random random, Loss loss) throws IOException {
    crashed = true;
    int keepOps = random.nextInt(pendingUndo.size() + 1);
    for (int i = pendingUndo.size() - 1; i >= keepOps; i--) {
      pendingUndo.get(i).run();
    }
    pendingUndo.clear();
    for (Path path : written) {
      byte[] old = durable.get(path);
      if (old == null || !Files.exists(path)) {
        continue;
      }
      byte[] now = Files.readAllBytes(path);
      byte[] result = old;
      boolean appendOnly =
          now.length >= old.length && Arrays.equals(now, 0, old.length, old, 0, old.length);
      if (appendOnly && now.length > old.length && loss != Loss.ALL_LOST) {
        int extra = random.nextInt(now.length - old.length + 1);
        result = Arrays.copyOf(now, old.length + extra);
        if (loss == Loss.GARBAGE_TAIL) {
          for (int i = old.length; i < result.length; i++) {
            result[i] = (byte) random.nextInt(256);
          }
        }
      }
      Files.write(path, result);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A channel that counts writes and fsyncs, injects their faults and records fsynced content. */
  private final class SimChannel extends FileChannel {
    private final Path path;
    private final FileChannel delegate;

    SimChannel(Path path, FileChannel delegate) {
      this.path = path;
      this.delegate = delegate;
    }

    private int beforeWrite(long bytes) throws IOException {
      checkAlive();
      synchronized (FaultyFileIo.this) {
        written.add(path);
      }
      int n = writes.incrementAndGet();
      if (n == failWriteAt) {
        return (int) Math.min(bytes, tornBytes);
      }
      return -1;
    }

    private IOException noSpace() {
      return new IOException("No space left on device (injected)");
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int torn = beforeWrite(src.remaining());
      if (torn >= 0) {
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + torn);
        delegate.write(part);
        throw noSpace();
      }
      return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += srcs[i].remaining();
      }
      int torn = beforeWrite(total);
      if (torn >= 0) {
        int left = torn;
        for (int i = offset; i < offset + length && left > 0; i++) {
          ByteBuffer part = srcs[i].duplicate();
          int n = Math.min(left, part.remaining());
          part.limit(part.position() + n);
          delegate.write(part);
          left -= n;
        }
        throw noSpace();
      }
      return delegate.write(srcs, offset, length);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      if (beforeWrite(src.remaining()) >= 0) {
        throw noSpace();
      }
      return delegate.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      syncPoint("fsync of " + path);
      delegate.force(metaData);
      byte[] content = Files.readAllBytes(path);
      synchronized (FaultyFileIo.this) {
        durable.put(path, content);
      }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      checkAlive();
      delegate.truncate(size);
      return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      throw new UnsupportedOperationException("not used by storage");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }
  }
}
