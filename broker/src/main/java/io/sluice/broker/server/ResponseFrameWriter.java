package io.sluice.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.sluice.broker.handler.FileSliceRecords;
import io.sluice.broker.storage.FileSlice;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
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
 * slice into a small buffer one chunk at a time as the socket takes it (the copy path). So a
 * response waiting behind a slow reader holds no copied records, on either path, and one being
 * written holds at most one chunk. The frame length is known before anything is sent because every
 * part's size is. Stateless; thread-safe.
 */
final class ResponseFrameWriter {
  private final boolean zeroCopy;
  private final ServerStats stats;

  ResponseFrameWriter(boolean zeroCopy, ServerStats stats) {
    this.zeroCopy = zeroCopy;
    this.stats = stats;
  }

  /**
   * The frame's parts in order: {@link ByteBuf}s and {@link FileSliceRecords}. The caller owns
   * them: it passes each to {@link #writable} or all to {@link #release}.
   */
  List<Object> build(
      ByteBufAllocator allocator,
      ApiKey apiKey,
      int correlationId,
      ApiMessage body,
      short version) {
    List<Object> parts = Frames.encodeResponse(allocator, correlationId, apiKey, version, body);
    List<Object> nonEmpty = new ArrayList<>(parts.size());
    for (Object part : parts) {
      if (part instanceof ByteBuf buf && !buf.isReadable()) {
        buf.release();
      } else if (part instanceof ByteBuf || part instanceof FileSliceRecords) {
        nonEmpty.add(part);
      } else {
        release(parts);
        throw new IllegalStateException("cannot send records of type " + part.getClass());
      }
    }
    return nonEmpty;
  }

  /** The message to write for one part; takes ownership of the part. */
  Object writable(ByteBufAllocator allocator, Object part) {
    if (!(part instanceof FileSliceRecords records)) {
      return part;
    }
    FileSlice slice = records.slice();
    return zeroCopy
        ? new SegmentFileRegion(slice, stats)
        : new CopyingFileRegion(slice, allocator, stats);
  }

  /** Releases parts that will not be written: buffers, and the leases of file slices. */
  static void release(List<Object> parts) {
    for (Object part : parts) {
      if (part instanceof FileSliceRecords records) {
        records.slice().release();
      } else {
        ReferenceCountUtil.safeRelease(part);
      }
    }
  }
}
