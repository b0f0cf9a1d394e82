package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * OffsetForLeaderEpoch (API 23) and the leader-epoch checks of Fetch, on one node (leader of epoch
 * 0 for everything): where an epoch ends, and {@code UNKNOWN_LEADER_EPOCH} / {@code
 * FENCED_LEADER_EPOCH} for a client ahead of or behind the broker.
 */
class LeaderEpochApiIT {
  private static ApiMessage exchange(RawConnection raw, ApiKey api, short version, ApiMessage body)
      throws Exception {
    raw.send(api.id(), version, 7, body);
    ByteBuffer frame = raw.readFrame();
    WireReader reader = new WireReader(Unpooled.wrappedBuffer(frame));
    assertEquals(7, Frames.readResponseHeader(api, version, reader).correlationId());
    return Frames.readResponseBody(api, version, reader);
  }

  private static OffsetForLeaderEpochResponse.EpochEndOffset endOf(
      RawConnection raw, int current, int epoch) throws Exception {
    OffsetForLeaderEpochRequest request = new OffsetForLeaderEpochRequest().setReplicaId(-1);
    OffsetForLeaderEpochRequest.OffsetForLeaderTopic topic =
        new OffsetForLeaderEpochRequest.OffsetForLeaderTopic().setTopic("epochs");
    topic
        .partitions()
        .add(
            new OffsetForLeaderEpochRequest.OffsetForLeaderPartition()
                .setPartition(0)
                .setCurrentLeaderEpoch(current)
                .setLeaderEpoch(epoch));
    request.topics().add(topic);
    OffsetForLeaderEpochResponse response =
        (OffsetForLeaderEpochResponse)
            exchange(raw, ApiKey.OFFSET_FOR_LEADER_EPOCH, (short) 4, request);
    return response.topics().get(0).partitions().get(0);
  }

  private static short fetchError(RawConnection raw, int current) throws Exception {
    FetchRequest request =
        new FetchRequest().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20);
    FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic("epochs");
    topic
        .partitions()
        .add(
            new FetchRequest.FetchPartition()
                .setPartition(0)
                .setCurrentLeaderEpoch(current)
                .setFetchOffset(0)
                .setPartitionMaxBytes(1 << 20));
    request.topics().add(topic);
    FetchResponse response = (FetchResponse) exchange(raw, ApiKey.FETCH, (short) 12, request);
    return response.responses().get(0).partitions().get(0).errorCode();
  }

  @Test
  void offsetForLeaderEpochAndFetch_checkTheLeaderEpoch() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.partitions", "1"))) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>("epochs", new byte[] {(byte) i})).get();
        }
      }
      try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
        OffsetForLeaderEpochResponse.EpochEndOffset current = endOf(raw, 0, 0);
        assertEquals(Errors.NONE.code(), current.errorCode());
        assertEquals(0, current.leaderEpoch());
        assertEquals(3, current.endOffset(), "the current epoch ends at the log end");

        OffsetForLeaderEpochResponse.EpochEndOffset later = endOf(raw, -1, 5);
        assertEquals(0, later.leaderEpoch(), "the largest epoch at or below the one asked for");
        assertEquals(3, later.endOffset());

        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), endOf(raw, 1, 0).errorCode());
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), fetchError(raw, 1));
        assertEquals(Errors.NONE.code(), fetchError(raw, 0));
        assertEquals(Errors.NONE.code(), fetchError(raw, -1));
      }
    }
  }
}
