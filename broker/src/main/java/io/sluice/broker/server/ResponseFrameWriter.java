package io.sluice.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.sluice.broker.handler.FileSliceRecords;
import io.sluice.broker.storage.FileSlice;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.ResponseHeader;
import io.sluice.protocol.wire.Records;
import io.sluice.protocol.wire.WireWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one response frame as an ordered list of parts ready for {@code ctx.write}: the size
 * prefix, response header and body bytes in pooled buffers, and each fetched file slice either as a
 * {@link SegmentFileRegion} (zero-copy) or read into a buffer (the copy path). The frame length is
 * known before anything is sent because every part's size is. Stateless; thread-safe.
 */
final class ResponseFrameWriter {
  private final boolean zeroCopy;
  private final ServerStats stats;

  ResponseFrameWriter(boolean zeroCopy, ServerStats stats) {
    this.zeroCopy = zeroCopy;
    this.stats = stats;
  }

  /** The frame's parts; the caller owns them (write them or {@link #release} them). */
  List<Object> build(
      ByteBufAllocator allocator,
      ApiKey apiKey,
      short requestVersion,
      int correlationId,
      ApiMessage body,
      short bodyVersion) {
    ByteBuf first = allocator.buffer();
    WireWriter writer = new WireWriter(allocator, first);
    List<Object> raw = null;
    try {
      writer.writeInt32(0); // size, patched below
      new ResponseHeader()
          .setCorrelationId(correlationId)
          .write(writer, apiKey.responseHeaderVersion(requestVersion));
      body.write(writer, bodyVersion);
      int size = writer.sizeInBytes() - 4;
      raw = writer.finish();
      first.setInt(0, size);
    } catch (RuntimeException e) {
      releaseRaw(raw == null ? writer.finish() : raw);
      throw e;
    }
    return convert(allocator, raw);
  }

  private List<Object> convert(ByteBufAllocator allocator, List<Object> raw) {
    List<Object> parts = new ArrayList<>(raw.size());
    int i = 0;
    try {
      for (; i < raw.size(); i++) {
        Object part = raw.get(i);
        if (part instanceof ByteBuf buf) {
          if (buf.isReadable()) {
            parts.add(buf);
          } else {
            buf.release();
          }
        } else if (part instanceof FileSliceRecords records) {
          parts.add(toWritable(allocator, records.slice()));
        } else {
          throw new IllegalStateException("cannot send records of type " + part.getClass());
        }
      }
      return parts;
    } catch (RuntimeException e) {
      release(parts);
      releaseRaw(raw.subList(i + 1, raw.size()));
      throw e;
    }
  }

  private Object toWritable(ByteBufAllocator allocator, FileSlice slice) {
    if (zeroCopy) {
      return new SegmentFileRegion(slice, stats);
    }
    ByteBuf copy = allocator.directBuffer(slice.length());
    try {
      long position = slice.position();
      int remaining = slice.length();
      while (remaining > 0) {
        int read = copy.writeBytes(slice.channel(), position, remaining);
        if (read < 0) {
          throw new IOException("segment ended " + remaining + " bytes before the slice end");
        }
        position += read;
        remaining -= read;
      }
      stats.sliceCopied(slice.length());
      return copy;
    } catch (IOException e) {
      copy.release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      copy.release();
      throw e;
    } finally {
      slice.release();
    }
  }

  /** Releases parts returned by {@link #build} that will not be written. */
  static void release(List<Object> parts) {
    for (Object part : parts) {
      ReferenceCountUtil.safeRelease(part);
    }
  }

  private static void releaseRaw(List<Object> raw) {
    for (Object part : raw) {
      if (part instanceof FileSliceRecords records) {
        records.slice().release();
      } else if (part instanceof Records) {
        continue;
      } else {
        ReferenceCountUtil.safeRelease(part);
      }
    }
  }
}
