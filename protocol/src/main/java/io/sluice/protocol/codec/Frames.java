package io.sluice.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.message.ResponseHeader;
import io.sluice.protocol.wire.FramePart;
import io.sluice.protocol.wire.WireReader;
import io.sluice.protocol.wire.WireWriter;
import java.util.List;

/**
 * Reads and writes whole request and response frames: size prefix, header of the right version,
 * body. Shared by the broker (reads requests, writes responses) and the client (the reverse).
 */
public final class Frames {
  private Frames() {}

  /**
   * Reads a request header from the start of a frame (without its size prefix). The header version
   * follows from the API key and version, which come first: v2 for flexible versions, v1 before. An
   * API key this module does not know is read as a v1 header so that its correlation id is still
   * available for the error path.
   */
  public static RequestHeader readRequestHeader(WireReader reader) {
    if (reader.remaining() < 4) {
      throw new ProtocolException(
          Errors.INVALID_REQUEST, "request of " + reader.remaining() + " bytes has no header");
    }
    ByteBuf buf = reader.buffer();
    ApiKey api = ApiKey.forId(buf.getShort(buf.readerIndex()));
    short version = buf.getShort(buf.readerIndex() + 2);
    short headerVersion = api == null ? 1 : api.requestHeaderVersion(version);
    return RequestHeader.read(reader, headerVersion);
  }

  /** Reads a request body; the version must be one the schema knows. */
  public static ApiMessage readRequestBody(ApiKey api, short version, WireReader reader) {
    ApiMessage body = api.readRequest(reader, version);
    requireConsumed(reader, api, version);
    return body;
  }

  /** Reads a response header and body for a request of {@code api} at {@code version}. */
  public static ApiMessage readResponseBody(ApiKey api, short version, WireReader reader) {
    ApiMessage body = api.readResponse(reader, version);
    requireConsumed(reader, api, version);
    return body;
  }

  /** Reads the response header that precedes a response of {@code api} at {@code version}. */
  public static ResponseHeader readResponseHeader(ApiKey api, short version, WireReader reader) {
    return ResponseHeader.read(reader, api.responseHeaderVersion(version));
  }

  private static void requireConsumed(WireReader reader, ApiKey api, short version) {
    if (reader.remaining() != 0) {
      throw new ProtocolException(
          Errors.INVALID_REQUEST,
          api.displayName()
              + " v"
              + version
              + " has "
              + reader.remaining()
              + " unexpected bytes after its body");
    }
  }

  /** A complete request frame (size prefix included) in one buffer. */
  public static ByteBuf encodeRequest(
      ByteBufAllocator allocator, RequestHeader header, ApiMessage body) {
    ApiKey api = ApiKey.forId(header.requestApiKey());
    short version = header.requestApiVersion();
    ByteBuf out = allocator.buffer();
    try {
      out.writeInt(0);
      WireWriter writer = new WireWriter(out);
      header.write(writer, api.requestHeaderVersion(version));
      body.write(writer, version);
      out.setInt(0, out.readableBytes() - FrameDecoder.SIZE_PREFIX_BYTES);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * A response frame as an ordered list of parts, buffers and external {@link
   * io.sluice.protocol.wire.Records} (see {@link WireWriter}); the first buffer starts with the
   * size prefix, which covers every part. The caller owns the buffers.
   */
  public static List<FramePart> encodeResponse(
      ByteBufAllocator allocator, int correlationId, ApiKey api, short version, ApiMessage body) {
    ByteBuf first = allocator.buffer();
    WireWriter writer = new WireWriter(allocator, first);
    try {
      first.writeInt(0);
      new ResponseHeader()
          .setCorrelationId(correlationId)
          .write(writer, api.responseHeaderVersion(version));
      body.write(writer, version);
    } catch (RuntimeException e) {
      for (FramePart part : writer.finish()) {
        part.map(ByteBuf::release, records -> false);
      }
      throw e;
    }
    int size = writer.sizeInBytes() - FrameDecoder.SIZE_PREFIX_BYTES;
    List<FramePart> parts = writer.finish();
    first.setInt(0, size);
    return parts;
  }
}
