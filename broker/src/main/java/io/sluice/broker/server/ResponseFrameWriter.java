package io.sluice.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.sluice.broker.handler.FileSliceRecords;
import io.sluice.broker.storage.FileSlice;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.wire.FramePart;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds response frames and turns their parts into what the channel writes.
 *
 * <p>{@link #build} encodes the size prefix, response header and body into pooled buffers (the
 * codec's {@link Frames#encodeResponse}; ApiVersions' header is v0 whatever the version) and keeps
 * each fetched file slice as a {@link FileSliceRecords} part: a segment lease, no memory. {@link
 * #writable} turns a part into a message for {@code ctx.write} only when the dispatcher is about to
 * write it: a {@link SegmentFileRegion} (zero-copy), or a {@link CopyingFileRegion} that reads the
 * slice into a small buffer one chunk at a time as the socket takes it (the copy path), or, on a
 * TLS connection, a {@link SliceChunkedInput} that does the same for the {@code SslHandler}. So a
 * response waiting behind a slow reader holds no copied records, on either path, and one being
 * written holds at most one chunk. The frame length is known before anything is sent because every
 * part's size is. Stateless; thread-safe.
 */
final class ResponseFrameWriter {
  /** How fetched records reach the socket. */
  enum Path {
    /** {@link SegmentFileRegion}: {@code sendfile}. */
    ZERO_COPY,
    /**
     * {@link CopyingFileRegion}: read into a buffer a chunk at a time ({@code
     * fetch.zerocopy=false}).
     */
    COPY,
    /** {@link SliceChunkedInput}: chunks for the {@code SslHandler} (every TLS connection). */
    TLS
  }

  private final Path path;
  private final ServerStats stats;

  ResponseFrameWriter(boolean zeroCopy, ServerStats stats) {
    this(zeroCopy ? Path.ZERO_COPY : Path.COPY, stats);
  }

  ResponseFrameWriter(Path path, ServerStats stats) {
    this.path = path;
    this.stats = stats;
  }

  /**
   * The frame's parts in order: non-empty buffers, and {@link FileSliceRecords} as the external
   * parts. The caller owns them: it passes each to {@link #writable} or all to {@link #release}.
   */
  List<FramePart> build(
      ByteBufAllocator allocator,
      ApiKey apiKey,
      int correlationId,
      ApiMessage body,
      short version) {
    List<FramePart> parts = Frames.encodeResponse(allocator, correlationId, apiKey, version, body);
    for (FramePart part : parts) {
      String unsendable =
          part.map(
              buf -> null,
              records -> records instanceof FileSliceRecords ? null : records.getClass().getName());
      if (unsendable != null) {
        release(parts);
        throw new IllegalStateException("cannot send records of type " + unsendable);
      }
    }
    List<FramePart> nonEmpty = new ArrayList<>(parts.size());
    for (FramePart part : parts) {
      if (part.map(ResponseFrameWriter::keepBuffer, records -> true)) {
        nonEmpty.add(part);
      }
    }
    return nonEmpty;
  }

  /** Whether a buffer part is worth writing; an empty one is released here. */
  private static boolean keepBuffer(ByteBuf buf) {
    if (buf.isReadable()) {
      return true;
    }
    buf.release();
    return false;
  }

  /** The message to write for one part; takes ownership of the part. */
  Object writable(ByteBufAllocator allocator, FramePart part) {
    return part.map(
        buf -> buf, records -> writable(allocator, ((FileSliceRecords) records).slice()));
  }

  /**
   * A file region over the slice (zero-copy, or copied a chunk at a time), or chunks of it for a
   * TLS connection.
   */
  private Object writable(ByteBufAllocator allocator, FileSlice slice) {
    return switch (path) {
      case ZERO_COPY -> new SegmentFileRegion(slice, stats);
      case COPY -> new CopyingFileRegion(slice, allocator, stats);
      case TLS -> new SliceChunkedInput(slice, stats);
    };
  }

  /** Releases parts that will not be written: buffers, and the leases of file slices. */
  static void release(List<FramePart> parts) {
    for (FramePart part : parts) {
      part.map(
          buf -> {
            ReferenceCountUtil.safeRelease(buf);
            return null;
          },
          records -> {
            if (records instanceof FileSliceRecords slice) {
              slice.slice().release();
            }
            return null;
          });
    }
  }
}
