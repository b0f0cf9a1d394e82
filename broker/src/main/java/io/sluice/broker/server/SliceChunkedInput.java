package io.sluice.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.sluice.broker.storage.FileSlice;
import java.io.IOException;

/**
 * The copy path of a TLS connection for one fetched slice. {@code sendfile} cannot encrypt, and
 * Netty's {@code SslHandler} takes buffers only, so the slice is read a chunk at a time into a
 * pooled direct buffer, which the {@code ChunkedWriteHandler} in front of the {@code SslHandler}
 * asks for only while the channel is writable. A connection that stops reading therefore pins at
 * most one chunk (plus the write-buffer water mark of encrypted bytes), and the responses queued
 * behind it hold segment leases, not memory, as on the plaintext paths.
 *
 * <p>Confined to the channel's event loop. {@link #close} (by the writer, once the last chunk is
 * written or the connection is gone) releases the slice's lease and counts the bytes read in {@link
 * ServerStats#copiedBytes}; it runs once.
 */
final class SliceChunkedInput implements ChunkedInput<ByteBuf> {
  /** Bytes read per chunk: a few TLS records (16 KiB each). */
  static final int CHUNK_BYTES = 64 * 1024;

  private final FileSlice slice;
  private final ServerStats stats;
  private long read;
  private boolean closed;

  SliceChunkedInput(FileSlice slice, ServerStats stats) {
    this.slice = slice;
    this.stats = stats;
  }

  @Override
  public boolean isEndOfInput() {
    return read >= slice.length();
  }

  @Override
  @Deprecated
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
    return readChunk(ctx.alloc());
  }

  /** The next chunk, or null at the end; a slice that ends early is an {@link IOException}. */
  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
    if (isEndOfInput()) {
      return null;
    }
    int want = (int) Math.min(CHUNK_BYTES, slice.length() - read);
    ByteBuf chunk = allocator.directBuffer(want, want);
    try {
      while (chunk.isWritable()) {
        int n = chunk.writeBytes(slice.channel(), slice.position() + read, chunk.writableBytes());
        if (n < 0) {
          throw new IOException(
              "segment ended " + (slice.length() - read) + " bytes before the end of " + slice);
        }
        read += n;
      }
      return chunk;
    } catch (IOException | RuntimeException e) {
      chunk.release();
      throw e;
    }
  }

  @Override
  public long length() {
    return slice.length();
  }

  @Override
  public long progress() {
    return read;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      stats.sliceCopied(read);
      slice.release();
    }
  }
}
