package io.sluice.broker.storage;

import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A byte range of one segment's {@code .log} file, holding a lease on the segment: until {@link
 * #release()} is called (exactly once), retention cannot close the segment's shared {@link
 * FileChannel}, so the range stays readable even if the segment is deleted meanwhile.
 *
 * <p>The channel belongs to the segment: never close it. Read it with positional reads or {@code
 * transferTo} only; its position is the appender's.
 *
 * <p>Thread safety: immutable except for the release flag; {@code release()} may run on any thread.
 */
public final class FileSlice {
  private final LogSegment segment;
  private final long position;
  private final int length;
  private final AtomicBoolean released = new AtomicBoolean();

  /** Takes over a lease ({@link LogSegment#lease}) the caller already holds on {@code segment}. */
  FileSlice(LogSegment segment, long position, int length) {
    this.segment = segment;
    this.position = position;
    this.length = length;
  }

  public FileChannel channel() {
    return segment.channel();
  }

  public long position() {
    return position;
  }

  public int length() {
    return length;
  }

  /** Ends the lease; a second call is a bug and throws. */
  public void release() {
    if (!released.compareAndSet(false, true)) {
      throw new IllegalStateException("FileSlice released twice: " + this);
    }
    segment.unlease();
  }

  @Override
  public String toString() {
    return "FileSlice[" + segment.logPath + ", position=" + position + ", length=" + length + "]";
  }
}
