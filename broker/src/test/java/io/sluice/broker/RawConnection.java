package io.sluice.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.RequestHeader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A plain socket speaking raw Kafka frames, for tests that send what no client would. */
final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawConnection(InetSocketAddress address) throws IOException {
    this(address, null);
  }

  /** A connection from {@code localAddress} (any port), e.g. another loopback address. */
  RawConnection(InetSocketAddress address, InetAddress localAddress) throws IOException {
    socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(localAddress, 0));
    }
    socket.connect(address, 5_000);
    socket.setSoTimeout(5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends a well-formed request frame. */
  void send(short apiKey, short version, int correlationId, ApiMessage body) throws IOException {
    send(encode(apiKey, version, correlationId, body));
  }

  /** A well-formed request frame, size prefix included. */
  static byte[] encode(short apiKey, short version, int correlationId, ApiMessage body) {
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(apiKey)
            .setRequestApiVersion(version)
            .setCorrelationId(correlationId)
            .setClientId("raw");
    ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, header, body);
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      return bytes;
    } finally {
      frame.release();
    }
  }

  /** The next response frame (without its size prefix). */
  ByteBuffer readFrame() throws IOException {
    int size = in.readInt();
    byte[] frame = new byte[size];
    in.readFully(frame);
    return ByteBuffer.wrap(frame);
  }

  /**
   * The next response frame, or null if the broker closed the connection instead; fails (socket
   * timeout) if it did neither.
   */
  ByteBuffer readFrameOrClose() throws IOException {
    try {
      return readFrame();
    } catch (EOFException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      return null; // connection reset
    }
  }

  /** Whether the broker closed the connection within the socket timeout (reads until EOF). */
  boolean closedByBroker() throws IOException {
    try {
      while (in.read() >= 0) {
        // drain whatever was in flight
      }
      return true;
    } catch (EOFException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  /**
   * Whether the broker closed the connection within {@code timeout}; false if it is still open (and
   * sent nothing) then.
   */
  boolean closedByBrokerWithin(Duration timeout) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      return closedByBroker();
    } finally {
      socket.setSoTimeout(previous);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
