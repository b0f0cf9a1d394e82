package io.sluice.broker.handler;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.wire.WireReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A decoded request header plus the undecoded body and the address of the client that sent it.
 * {@code body} is a slice of the frame, valid only during {@link ApiHandler#handle}; {@code
 * remoteAddress} is the channel's peer (null if it has none).
 */
public record Request(
    ApiKey apiKey,
    short version,
    int correlationId,
    String clientId,
    SocketAddress remoteAddress,
    ByteBuf body) {

  /**
   * The client's host as Kafka reports it in DescribeGroups: {@code InetAddress.toString()} of the
   * peer, which for an accepted connection is {@code "/127.0.0.1"}; empty when unknown.
   */
  public String clientHost() {
    if (remoteAddress instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().toString();
    }
    return "";
  }

  /** A reader over the body, for the generated {@code read(reader, version)} methods. */
  public WireReader reader() {
    return new WireReader(body);
  }
}
