package io.sluice.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.wire.FramePart;
import io.sluice.protocol.wire.Records;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;

class FramesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /** Records that live elsewhere (the broker's file region), here 100 bytes of 7s. */
  private record ExternalRecords(int sizeInBytes) implements Records {}

  @Test
  void encodeRequest_flexibleVersion_kafkaParsesHeaderAndBody() {
    MetadataRequest body =
        new MetadataRequest()
            .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("orders")));
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(ApiKey.METADATA.id())
            .setRequestApiVersion((short) 12)
            .setCorrelationId(42)
            .setClientId("app-1");
    ByteBuf frame = Frames.encodeRequest(ALLOC, header, body);
    try {
      assertEquals(frame.readableBytes() - 4, frame.getInt(0));
      ByteBuffer nio = frame.nioBuffer(4, frame.readableBytes() - 4);
      org.apache.kafka.common.requests.RequestHeader theirHeader =
          org.apache.kafka.common.requests.RequestHeader.parse(nio);
      assertEquals(42, theirHeader.correlationId());
      assertEquals("app-1", theirHeader.clientId());
      assertEquals(ApiKeys.METADATA, theirHeader.apiKey());
      MetadataRequestData theirBody =
          new MetadataRequestData(new ByteBufferAccessor(nio), (short) 12);
      assertEquals("orders", theirBody.topics().get(0).name());

      frame.skipBytes(4);
      WireReader reader = new WireReader(frame);
      RequestHeader ours = Frames.readRequestHeader(reader);
      assertEquals(header, ours);
      assertEquals(body, Frames.readRequestBody(ApiKey.METADATA, (short) 12, reader));
    } finally {
      frame.release();
    }
  }

  @Test
  void readRequestHeader_unknownApiKey_readsV1HeaderForTheCorrelationId() {
    ByteBuf frame = Unpooled.buffer().writeShort(999).writeShort(3).writeInt(7).writeShort(-1);
    RequestHeader header = Frames.readRequestHeader(new WireReader(frame));
    assertEquals(7, header.correlationId());
    assertEquals(999, header.requestApiKey());
  }

  @Test
  void readRequestBody_trailingBytes_isInvalidRequest() {
    ByteBuf body = Unpooled.buffer();
    new MetadataRequest().write(new io.sluice.protocol.wire.WireWriter(body), (short) 4);
    body.writeByte(1);
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> Frames.readRequestBody(ApiKey.METADATA, (short) 4, new WireReader(body)));
    assertEquals(Errors.INVALID_REQUEST, e.error());
  }

  @Test
  void encodeResponse_apiVersionsAtFlexibleVersion_usesHeaderV0() {
    List<FramePart> parts =
        Frames.encodeResponse(ALLOC, 9, ApiKey.API_VERSIONS, (short) 3, new ApiVersionsResponse());
    ByteBuf frame = assertInstanceOf(FramePart.Buffer.class, parts.get(0)).buf();
    try {
      assertEquals(1, parts.size());
      frame.skipBytes(4);
      assertEquals(9, frame.readInt());
      // The body follows at once: error code 0, no tagged-field byte of a v1 header in between.
      assertEquals(0, frame.readShort());
    } finally {
      frame.release();
    }
  }

  @Test
  void encodeResponse_externalRecords_splitsAroundThemAndCountsThemInTheSize() {
    FetchResponse body =
        new FetchResponse()
            .setResponses(
                List.of(
                    new FetchResponse.FetchableTopicResponse()
                        .setTopic("t")
                        .setPartitions(
                            List.of(
                                new FetchResponse.PartitionData()
                                    .setPartitionIndex(0)
                                    .setHighWatermark(5)
                                    .setRecords(new ExternalRecords(100))))));
    short version = 12;
    List<FramePart> parts = Frames.encodeResponse(ALLOC, 3, ApiKey.FETCH, version, body);
    assertEquals(3, parts.size());
    assertInstanceOf(
        ExternalRecords.class, assertInstanceOf(FramePart.External.class, parts.get(1)).records());
    ByteBuf head = assertInstanceOf(FramePart.Buffer.class, parts.get(0)).buf();
    ByteBuf tail = assertInstanceOf(FramePart.Buffer.class, parts.get(2)).buf();
    try {
      int total = head.readableBytes() + 100 + tail.readableBytes();
      assertEquals(total - 4, head.getInt(0));

      // Put real bytes where the external part goes and let kafka-clients parse the whole frame.
      byte[] records = new byte[100];
      java.util.Arrays.fill(records, (byte) 7);
      ByteBuf whole =
          Unpooled.wrappedBuffer(head.retain(), Unpooled.wrappedBuffer(records), tail.retain());
      ByteBuffer nio = ByteBuffer.wrap(ByteBufUtil.getBytes(whole, 4, total - 4));
      whole.release();
      assertEquals(3, nio.getInt());
      assertEquals(0, nio.get()); // response header v1: no tagged fields
      FetchResponseData theirs = new FetchResponseData(new ByteBufferAccessor(nio), version);
      MemoryRecords theirRecords =
          (MemoryRecords) theirs.responses().get(0).partitions().get(0).records();
      assertEquals(ByteBuffer.wrap(records), theirRecords.buffer());
      assertEquals(5, theirs.responses().get(0).partitions().get(0).highWatermark());
    } finally {
      head.release();
      tail.release();
    }
  }

  @Test
  void apiKey_forId_mapsEveryKeyAndRejectsUnknown() {
    for (ApiKey key : ApiKey.values()) {
      assertSame(key, ApiKey.forId(key.id()));
      ApiKeys theirs = ApiKeys.forId(key.id());
      assertEquals(theirs.oldestVersion(), key.lowestVersion(), key.name());
      assertEquals(theirs.latestVersion(true), key.highestVersion(), key.name());
    }
    assertEquals(null, ApiKey.forId((short) 999));
    assertEquals(null, ApiKey.forId((short) -1));
  }
}
