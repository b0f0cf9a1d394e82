package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.protocol.wire.ByteBufRecords;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * InitProducerId hands out distinct producer ids, across restarts too, and a retried idempotent
 * batch (same producer id, epoch, sequence) is acknowledged with its first offset and not appended
 * again; acks=0 gets no response at all.
 */
class ProduceIdempotenceIT {
  private static final short PRODUCE_VERSION = 9;

  @Test
  void retriedIdempotentBatch_sameOffsetLogEndUnchanged() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.partitions", "1"))) {
      try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
        // Auto-create the topic the way clients do, through Metadata.
        raw.send(
            ApiKey.METADATA.id(),
            (short) 9,
            1,
            new io.sluice.protocol.message.MetadataRequest()
                .setTopics(
                    new ArrayList<>(
                        List.of(
                            new io.sluice.protocol.message.MetadataRequest.MetadataRequestTopic()
                                .setName("dedup")))));
        raw.readFrame();
        long producerId = initProducerId(raw, 2);

        ProduceResponse.PartitionProduceResponse first = produce(raw, 3, producerId, 0, "a");
        ProduceResponse.PartitionProduceResponse other = produce(raw, 4, producerId, 1, "b");
        ProduceResponse.PartitionProduceResponse retry = produce(raw, 5, producerId, 0, "a");

        assertEquals(Errors.NONE.code(), first.errorCode());
        assertEquals(0, first.baseOffset());
        assertEquals(1, other.baseOffset());
        assertEquals(Errors.NONE.code(), retry.errorCode());
        assertEquals(0, retry.baseOffset(), "the retry gets its original offset");
        assertEquals(2, latestOffset(raw, 6), "and is not appended again");
      }
      long before = initProducerIdOnce(broker);
      broker.restart();
      assertNotEquals(before, initProducerIdOnce(broker), "ids are never reused after a restart");
    }
  }

  @Test
  void acksZero_noResponseNextRequestAnswered() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      raw.send(
          ApiKey.CREATE_TOPICS.id(),
          (short) 5,
          1,
          new io.sluice.protocol.message.CreateTopicsRequest()
              .setTopics(
                  new ArrayList<>(
                      List.of(
                          new io.sluice.protocol.message.CreateTopicsRequest.CreatableTopic()
                              .setName("dedup")
                              .setNumPartitions(1)
                              .setReplicationFactor((short) 1)))));
      assertEquals(1, raw.readFrame().getInt());
      raw.send(ApiKey.PRODUCE.id(), PRODUCE_VERSION, 2, request((short) 0, -1, 0, "x"));
      // No response to correlation id 2: the next frame answers request 3.
      assertEquals(1, latestOffset(raw, 3));
    }
  }

  private static long initProducerIdOnce(EmbeddedBroker broker) throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      return initProducerId(raw, 1);
    }
  }

  private static long initProducerId(RawConnection raw, int correlationId) throws Exception {
    raw.send(
        ApiKey.INIT_PRODUCER_ID.id(),
        (short) 4,
        correlationId,
        new InitProducerIdRequest().setTransactionalId(null).setTransactionTimeoutMs(60_000));
    ByteBuffer frame = raw.readFrame();
    assertEquals(correlationId, frame.getInt());
    frame.get(); // response header v1: empty tagged fields
    InitProducerIdResponse response =
        InitProducerIdResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 4);
    assertEquals(Errors.NONE.code(), response.errorCode());
    assertTrue(response.producerId() >= 0);
    return response.producerId();
  }

  private static ProduceResponse.PartitionProduceResponse produce(
      RawConnection raw, int correlationId, long producerId, int sequence, String value)
      throws Exception {
    raw.send(
        ApiKey.PRODUCE.id(),
        PRODUCE_VERSION,
        correlationId,
        request((short) 1, producerId, sequence, value));
    ByteBuffer frame = raw.readFrame();
    assertEquals(correlationId, frame.getInt());
    frame.get();
    ProduceResponse response =
        ProduceResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), PRODUCE_VERSION);
    return response.responses().get(0).partitionResponses().get(0);
  }

  private static ProduceRequest request(short acks, long producerId, int sequence, String value) {
    RecordBatchBuilder builder = new RecordBatchBuilder();
    if (producerId >= 0) {
      builder.producer(producerId, (short) 0, sequence);
    }
    ByteBuffer batch = builder.append(1_000L, null, value.getBytes(StandardCharsets.UTF_8)).build();
    return new ProduceRequest()
        .setAcks(acks)
        .setTimeoutMs(5_000)
        .setTopicData(
            new ArrayList<>(
                List.of(
                    new ProduceRequest.TopicProduceData()
                        .setName("dedup")
                        .setPartitionData(
                            new ArrayList<>(
                                List.of(
                                    new ProduceRequest.PartitionProduceData()
                                        .setIndex(0)
                                        .setRecords(
                                            new ByteBufRecords(
                                                Unpooled.wrappedBuffer(batch)))))))));
  }

  private static long latestOffset(RawConnection raw, int correlationId) throws Exception {
    raw.send(
        ApiKey.LIST_OFFSETS.id(),
        (short) 5,
        correlationId,
        new ListOffsetsRequest()
            .setReplicaId(-1)
            .setTopics(
                new ArrayList<>(
                    List.of(
                        new ListOffsetsRequest.ListOffsetsTopic()
                            .setName("dedup")
                            .setPartitions(
                                new ArrayList<>(
                                    List.of(
                                        new ListOffsetsRequest.ListOffsetsPartition()
                                            .setPartitionIndex(0)
                                            .setTimestamp(-1))))))));
    ByteBuffer frame = raw.readFrame();
    assertEquals(correlationId, frame.getInt());
    ListOffsetsResponse response =
        ListOffsetsResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 5);
    return response.topics().get(0).partitions().get(0).offset();
  }
}
