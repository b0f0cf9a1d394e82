package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.wire.WireReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One group request at a time over a plain socket, at any version, for tests that send what the
 * official client would not (old versions, bad input). Checks the correlation id of each answer.
 */
final class GroupWire implements AutoCloseable {

  private final Socket socket = new Socket();
  private final DataInputStream in;
  private int correlationId;

  GroupWire(InetSocketAddress address) throws IOException {
    socket.connect(address, 5_000);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
  }

  interface Reader<T> {
    T read(WireReader reader, short version);
  }

  <T> T call(ApiKey api, short version, ApiMessage body, Reader<T> reader) throws IOException {
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(api.id())
            .setRequestApiVersion(version)
            .setCorrelationId(++correlationId)
            .setClientId("raw");
    ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, header, body);
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      socket.getOutputStream().write(bytes);
    } finally {
      frame.release();
    }
    byte[] response = new byte[in.readInt()];
    in.readFully(response);
    WireReader wire = new WireReader(Unpooled.wrappedBuffer(response));
    assertEquals(correlationId, Frames.readResponseHeader(api, version, wire).correlationId());
    return reader.read(wire, version);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
