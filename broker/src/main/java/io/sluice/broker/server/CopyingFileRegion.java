package io.sluice.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import io.sluice.broker.storage.FileSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The copy path ({@code fetch.zerocopy=false}) for one fetched slice: the slice is read into a
 * pooled direct buffer of at most {@link #CHUNK_BYTES} and written from there, chunk after chunk,
 * only as fast as the socket takes the bytes. It is a {@link FileRegion} for the channel's
 * bookkeeping, so it queues and counts against the write-buffer water marks exactly as the
 * zero-copy {@link SegmentFileRegion} does; it is deliberately not a {@code DefaultFileRegion}, so
 * the transport calls {@link #transferTo} instead of {@code sendfile}.
 *
 * <p>So a client that stops reading pins at most one chunk of memory per connection (the region at
 * the head of its outbound queue; the ones behind it hold a segment lease and nothing else),
 * however much it asked for. Copying each slice whole before writing it let 50 such clients pin a
 * gigabyte.
 *
 * <p>Confined to the channel's event loop (the transport calls {@link #transferTo} there);
 * reference counting is thread-safe. Releasing it frees the chunk and the slice's lease, and counts
 * the bytes that reached the socket in {@link ServerStats#copiedBytes}.
 */
final class CopyingFileRegion extends AbstractReferenceCounted implements FileRegion {
  static final int CHUNK_BYTES = 64 * 1024;

  private final FileSlice slice;
  private final ByteBufAllocator allocator;
  private final ServerStats stats;

  /** Read from the slice, not yet written: readerIndex to writerIndex. Null when none is held. */
  private ByteBuf chunk;

  /** Bytes of the slice read into chunks so far. */
  private long read;

  /** Bytes written to the socket so far. */
  private long transferred;

  CopyingFileRegion(FileSlice slice, ByteBufAllocator allocator, ServerStats stats) {
    this.slice = slice;
    this.allocator = allocator;
    this.stats = stats;
  }

  @Override
  public long position() {
    return slice.position();
  }

  @Override
  @Deprecated
  public long transfered() {
    return transferred;
  }

  @Override
  public long transferred() {
    return transferred;
  }

  @Override
  public long count() {
    return slice.length();
  }

  /**
   * Writes as much of the slice as {@code target} takes, one chunk in memory at a time; returns the
   * bytes written (0 when the socket is full, the chunk then kept for the next call).
   */
  @Override
  public long transferTo(WritableByteChannel target, long position) throws IOException {
    if (position != transferred) {
      throw new IllegalArgumentException(
          "position " + position + " is not the bytes transferred, " + transferred);
    }
    long written = 0;
    while (transferred < count()) {
      if (chunk == null || !chunk.isReadable()) {
        fill();
      }
      ByteBuffer view = chunk.nioBuffer(chunk.readerIndex(), chunk.readableBytes());
      int n = target.write(view);
      if (n <= 0) {
        break;
      }
      chunk.skipBytes(n);
      transferred += n;
      written += n;
    }
    if (transferred == count()) {
      releaseChunk();
    }
    return written;
  }

  /** Reads the next chunk of the slice into the (emptied) buffer. */
  private void fill() throws IOException {
    int want = (int) Math.min(CHUNK_BYTES, count() - read);
    if (chunk == null) {
      chunk = allocator.directBuffer(want, CHUNK_BYTES);
    }
    chunk.clear();
    int remaining = want;
    while (remaining > 0) {
      int n = chunk.writeBytes(slice.channel(), slice.position() + read, remaining);
      if (n < 0) {
        throw new IOException(
            "segment ended " + (count() - read) + " bytes before the end of " + slice);
      }
      read += n;
      remaining -= n;
    }
  }

  private void releaseChunk() {
    if (chunk != null) {
      chunk.release();
      chunk = null;
    }
  }

  @Override
  protected void deallocate() {
    releaseChunk();
    stats.sliceCopied(transferred);
    slice.release();
  }

  @Override
  public CopyingFileRegion retain() {
    super.retain();
    return this;
  }

  @Override
  public CopyingFileRegion retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public CopyingFileRegion touch() {
    return this;
  }

  @Override
  public CopyingFileRegion touch(Object hint) {
    return this;
  }
}
