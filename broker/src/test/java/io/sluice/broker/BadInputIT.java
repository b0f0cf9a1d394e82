package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.RecordingLeakDetector;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input against a running broker: each case gets an error response or a closed connection, and
 * a well-behaved client on another connection keeps being served, with no leaked buffers.
 */
class BadInputIT {
  private static final int MAX_FRAME = 64 * 1024;
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() {
    broker =
        EmbeddedBroker.start(
            Map.of(
                "socket.request.max.bytes",
                Integer.toString(MAX_FRAME),
                "connections.max.idle.ms",
                "1000"));
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
    assertEquals(java.util.List.of(), RecordingLeakDetector.collect());
  }

  /** After every case, a fresh connection still gets a correct ApiVersions answer. */
  @AfterEach
  void wellBehavedClientStillServed() throws Exception {
    try (RawConnection good = connect()) {
      good.send(ApiKey.API_VERSIONS.id(), (short) 3, 77, new ApiVersionsRequest());
      ByteBuffer frame = good.readFrame();
      assertEquals(77, frame.getInt());
      ApiVersionsResponse response =
          ApiVersionsResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 3);
      assertEquals(Errors.NONE.code(), response.errorCode());
      assertTrue(response.apiKeys().size() >= 11);
    }
  }

  @Test
  void randomBytes_connectionClosed() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      byte[] garbage = new byte[1 + random.nextInt(2000)];
      random.nextBytes(garbage);
      try (RawConnection raw = connect()) {
        raw.send(garbage);
        // Random bytes either announce a frame never completed (closed by the idle timeout), or
        // a bad size, or a frame with a bad header: every path ends in a close.
        assertTrue(raw.closedByBroker(), "input " + i + " of " + garbage.length + " bytes");
      }
    }
  }

  @Test
  void frameOverMaximum_connectionClosed() throws Exception {
    try (RawConnection raw = connect()) {
      raw.send(ByteBuffer.allocate(8).putInt(MAX_FRAME + 1).putInt(0).array());
      assertTrue(raw.closedByBroker());
    }
  }

  @Test
  void negativeLength_connectionClosed() throws Exception {
    try (RawConnection raw = connect()) {
      raw.send(ByteBuffer.allocate(4).putInt(-5).array());
      assertTrue(raw.closedByBroker());
    }
  }

  @Test
  void unknownApiKey_connectionClosed() throws Exception {
    try (RawConnection raw = connect()) {
      raw.send(
          ByteBuffer.allocate(14)
              .putInt(10)
              .putShort((short) 999)
              .putShort((short) 0)
              .putInt(5)
              .putShort((short) -1)
              .array());
      assertTrue(raw.closedByBroker());
    }
  }

  @Test
  void unsupportedVersionOfMetadata_connectionClosed() throws Exception {
    try (RawConnection raw = connect()) {
      raw.send(ApiKey.METADATA.id(), (short) 13, 1, new MetadataRequest());
      assertTrue(raw.closedByBroker());
    }
  }

  @Test
  void unsupportedVersionOfApiVersions_answeredWithV0Error() throws Exception {
    try (RawConnection raw = connect()) {
      raw.send(ApiKey.API_VERSIONS.id(), (short) 5, 9, new ApiVersionsRequest());
      ByteBuffer frame = raw.readFrame();
      assertEquals(9, frame.getInt()); // v0 response header: correlation id only
      ByteBuf body = Unpooled.wrappedBuffer(frame);
      ApiVersionsResponse response = ApiVersionsResponse.read(new WireReader(body), (short) 0);
      assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.errorCode());
      ApiVersionsResponse.ApiVersion own =
          response.apiKeys().stream().filter(k -> k.apiKey() == 18).findFirst().orElseThrow();
      assertEquals(4, own.maxVersion());
      assertFalse(body.isReadable(), "a v0 body, nothing after it");
    }
  }

  @Test
  void requestStoppingHalfway_closedByIdleTimeout() throws Exception {
    try (RawConnection raw = connect()) {
      raw.send(ByteBuffer.allocate(54).putInt(100).array()); // 50 of 100 announced bytes
      assertTrue(raw.closedByBroker());
    }
  }

  @Test
  void truncatedBody_connectionClosed() throws Exception {
    try (RawConnection raw = connect()) {
      // A complete frame whose Metadata v1 body says 1000 topics and holds none.
      raw.send(
          ByteBuffer.allocate(22)
              .putInt(18)
              .putShort((short) 3)
              .putShort((short) 1)
              .putInt(3)
              .putShort((short) 2)
              .put((byte) 'c')
              .put((byte) 'l')
              .putInt(1000)
              .array());
      assertTrue(raw.closedByBroker());
    }
  }

  private static RawConnection connect() throws Exception {
    return new RawConnection(broker.broker().localAddress());
  }
}
