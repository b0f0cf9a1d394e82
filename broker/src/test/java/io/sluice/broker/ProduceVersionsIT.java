package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.wire.WireReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Produce is advertised from v0, as Kafka 4 does, and v0-v2 are refused: each partition of such a
 * request is answered with {@code UNSUPPORTED_VERSION} in the layout of the request's version, in
 * request order with the requests pipelined around it, nothing is appended, and the connection
 * stays usable.
 */
class ProduceVersionsIT {
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void apiVersions_advertisesProduceFromV0() throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      ApiVersionsResponse.ApiVersion produce = produceRange(raw, 1);
      assertEquals(0, produce.minVersion());
      assertEquals(12, produce.maxVersion());
    }
  }

  @Test
  void produceV0toV2_refusedPerPartitionInOrder_nothingAppended() throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      // Pipelined: v2 (acks=1), v0 with acks=0 (no answer), v1 (acks=-1), then ApiVersions.
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(legacyProduce((short) 2, 11, (short) 1, "legacy", 0, 1));
      all.write(legacyProduce((short) 0, 12, (short) 0, "legacy", 0));
      all.write(legacyProduce((short) 1, 13, (short) -1, "legacy", 2));
      all.write(
          RawConnection.encode(ApiKey.API_VERSIONS.id(), (short) 3, 14, new ApiVersionsRequest()));
      raw.send(all.toByteArray());

      assertArrayEquals(
          refusal((short) 2, 11, "legacy", 0, 1), bytes(raw.readFrame()), "Produce v2 answer");
      assertArrayEquals(
          refusal((short) 1, 13, "legacy", 2), bytes(raw.readFrame()), "Produce v1 answer");
      ByteBuffer versions = raw.readFrame();
      assertEquals(14, versions.getInt());
      ApiVersionsResponse response =
          ApiVersionsResponse.read(new WireReader(Unpooled.wrappedBuffer(versions)), (short) 3);
      assertEquals(Errors.NONE.code(), response.errorCode());
    }
    assertFalse(Files.exists(broker.dataDir().resolve("legacy-0")), "a refused request appended");
    assertFalse(Files.exists(broker.dataDir().resolve("legacy-2")), "a refused request appended");
  }

  @Test
  void produceV1_trailingBytes_connectionClosed() throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      byte[] frame = legacyProduce((short) 1, 5, (short) 1, "legacy", 0);
      byte[] longer = ByteBuffer.allocate(frame.length + 3).put(frame).put(new byte[3]).array();
      ByteBuffer.wrap(longer).putInt(0, frame.length - 4 + 3);
      raw.send(longer);
      assertTrue(raw.closedByBroker());
    }
  }

  private static ApiVersionsResponse.ApiVersion produceRange(RawConnection raw, int correlationId)
      throws IOException {
    raw.send(ApiKey.API_VERSIONS.id(), (short) 3, correlationId, new ApiVersionsRequest());
    ByteBuffer frame = raw.readFrame();
    assertEquals(correlationId, frame.getInt());
    ApiVersionsResponse response =
        ApiVersionsResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 3);
    return response.apiKeys().stream()
        .filter(k -> k.apiKey() == ApiKey.PRODUCE.id())
        .findFirst()
        .orElseThrow();
  }

  /**
   * A Produce request of v0-v2 (header v1, client id "raw") for one topic, each partition with a
   * small message set whose bytes the broker never looks at.
   */
  private static byte[] legacyProduce(
      short version, int correlationId, short acks, String topic, int... partitions)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeShort(ApiKey.PRODUCE.id());
    out.writeShort(version);
    out.writeInt(correlationId);
    writeString(out, "raw");
    out.writeShort(acks);
    out.writeInt(1000);
    out.writeInt(1);
    writeString(out, topic);
    out.writeInt(partitions.length);
    for (int partition : partitions) {
      out.writeInt(partition);
      byte[] messageSet = new byte[40];
      out.writeInt(messageSet.length);
      out.write(messageSet);
    }
    out.flush();
    return frame(body.toByteArray());
  }

  /** The expected answer: correlation id, then every partition refused in the version's layout. */
  private static byte[] refusal(short version, int correlationId, String topic, int... partitions)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeInt(correlationId);
    out.writeInt(1);
    writeString(out, topic);
    out.writeInt(partitions.length);
    for (int partition : partitions) {
      out.writeInt(partition);
      out.writeShort(Errors.UNSUPPORTED_VERSION.code());
      out.writeLong(-1L);
      if (version >= 2) {
        out.writeLong(-1L);
      }
    }
    if (version >= 1) {
      out.writeInt(0);
    }
    out.flush();
    return body.toByteArray();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(bytes.length);
    out.write(bytes);
  }

  private static byte[] frame(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
