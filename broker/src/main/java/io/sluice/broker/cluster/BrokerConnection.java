package io.sluice.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.wire.WireReader;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One blocking connection from this broker to another broker's listener, opened (and, where the
 * listener asks for it, wrapped in TLS and authenticated) by {@link InterBrokerConnector}: Kafka
 * requests out, their responses in, one at a time. A response is read into a heap array, so nothing
 * reference-counted outlives {@link #exchange}.
 *
 * <p>Thread safety: {@link #exchange} is called by one thread (the connection's owner); {@link
 * #close} may be called by any thread, and closes the TCP socket under any TLS layer, so a read in
 * progress ends at once.
 */
final class BrokerConnection implements AutoCloseable {
  private final Socket tcp;
  private final DataInputStream in;
  private final OutputStream out;
  private final String clientId;
  private final String peer;
  private final String principal;
  private int correlation;

  /**
   * @param tcp the connected TCP socket
   * @param socket {@code tcp} itself, or the TLS socket over it
   * @param peer names the other side in messages ({@code broker 2 at host:port})
   * @param principal the principal the other side sees ({@code User:<name>})
   */
  BrokerConnection(Socket tcp, Socket socket, String clientId, String peer, String principal)
      throws IOException {
    this.tcp = tcp;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
    this.out = socket.getOutputStream();
    this.clientId = clientId;
    this.peer = peer;
    this.principal = principal;
  }

  /**
   * The principal the other broker sees: the SASL user, else the certificate this side presented,
   * else {@code User:ANONYMOUS}.
   */
  String principal() {
    return principal;
  }

  /** {@code broker <id> at <host:port>}. */
  String peer() {
    return peer;
  }

  /** Sends one request and reads its response. */
  ApiMessage exchange(ApiKey api, short version, ApiMessage body) throws IOException {
    int id = ++correlation;
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(api.id())
            .setRequestApiVersion(version)
            .setCorrelationId(id)
            .setClientId(clientId);
    ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, header, body);
    try {
      frame.readBytes(out, frame.readableBytes());
      out.flush();
    } finally {
      frame.release();
    }
    int size = in.readInt();
    if (size < 0) {
      throw new IOException(peer + " sent a frame of " + size + " bytes");
    }
    byte[] bytes = new byte[size];
    in.readFully(bytes);
    WireReader reader = new WireReader(Unpooled.wrappedBuffer(bytes));
    int answered = Frames.readResponseHeader(api, version, reader).correlationId();
    if (answered != id) {
      throw new IOException(peer + " answered request " + id + " with response " + answered);
    }
    return Frames.readResponseBody(api, version, reader);
  }

  /** Sets how long a read may block (the socket's timeout). */
  void readTimeout(int ms) throws IOException {
    tcp.setSoTimeout(ms);
  }

  /** Closes the TCP socket (no TLS close_notify: the other side sees the connection end). */
  @Override
  public void close() {
    try {
      tcp.close();
    } catch (IOException e) {
      // nothing to do: the socket is gone either way
    }
  }
}
