package io.sluice.broker.handler;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.wire.WireReader;

/**
 * A decoded request header plus the undecoded body. {@code body} is a slice of the frame, valid
 * only during {@link ApiHandler#handle}.
 */
public record Request(
    ApiKey apiKey, short version, int correlationId, String clientId, ByteBuf body) {

  /** A reader over the body, for the generated {@code read(reader, version)} methods. */
  public WireReader reader() {
    return new WireReader(body);
  }
}
