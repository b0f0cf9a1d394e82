package io.sluice.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.sluice.broker.handler.ApiHandler;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.handler.Request;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.wire.WireReader;
import java.util.List;

/**
 * Turns one frame into a {@link Request}: parses the request header (v1, or v2 with tagged fields
 * for flexible versions) and keeps the body as a retained slice of the frame (the reader index
 * already past the header). An API key this broker does not serve fails the connection, as Kafka
 * does; the version is checked by the dispatcher, which answers an unsupported ApiVersions version
 * instead of closing.
 */
final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
  private final HandlerRegistry handlers;
  private final String listenerName;

  RequestDecoder(HandlerRegistry handlers) {
    this(handlers, null);
  }

  /** Decodes the requests of a connection to listener {@code listenerName}. */
  RequestDecoder(HandlerRegistry handlers, String listenerName) {
    super(ByteBuf.class);
    this.handlers = handlers;
    this.listenerName = listenerName;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    RequestHeader header = Frames.readRequestHeader(new WireReader(frame));
    ApiHandler handler = handlers.forKey(header.requestApiKey());
    if (handler == null) {
      throw new ProtocolException(
          Errors.INVALID_REQUEST,
          "unknown api key=" + header.requestApiKey() + " correlationId=" + header.correlationId());
    }
    out.add(
        new Request(
            handler.apiKey(),
            header.requestApiVersion(),
            header.correlationId(),
            header.clientId(),
            ctx.channel().remoteAddress(),
            frame.retainedSlice(),
            listenerName));
  }
}
