package io.sluice.broker.handler;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.wire.WireReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A decoded request header plus the undecoded body, the address of the client that sent it and the
 * listener it came in on. {@code body} is a slice of the frame, valid only during {@link
 * ApiHandler#handle}; {@code remoteAddress} is the channel's peer (null if it has none); {@code
 * listenerName} names the listener (null when the request did not come through one, as in tests:
 * handlers then answer with the first listener's addresses); {@code principal} is who sent it, in
 * Kafka's form ({@code User:<name>} after SASL authentication, else {@code User:CN=...} from a TLS
 * client certificate, else {@code User:ANONYMOUS}).
 */
public record Request(
    ApiKey apiKey,
    short version,
    int correlationId,
    String clientId,
    SocketAddress remoteAddress,
    ByteBuf body,
    String listenerName,
    String principal) {

  /** A request not tied to a listener. */
  public Request(
      ApiKey apiKey,
      short version,
      int correlationId,
      String clientId,
      SocketAddress remoteAddress,
      ByteBuf body) {
    this(apiKey, version, correlationId, clientId, remoteAddress, body, null, "User:ANONYMOUS");
  }

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

  /** The same request from another principal (SASL authentication replaces the TLS one). */
  public Request withPrincipal(String principal) {
    return new Request(
        apiKey, version, correlationId, clientId, remoteAddress, body, listenerName, principal);
  }

  /** A reader over the body, for the generated {@code read(reader, version)} methods. */
  public WireReader reader() {
    return new WireReader(body);
  }
}
