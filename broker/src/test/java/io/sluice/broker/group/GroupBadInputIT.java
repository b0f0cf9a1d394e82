package io.sluice.broker.group;

import static io.sluice.broker.group.GroupClients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad group requests over a real socket, next to a live group of one official consumer: a JoinGroup
 * with an unknown protocol type or oversized metadata, a SyncGroup of a stale generation, a
 * Heartbeat of an unknown member. Each gets Kafka's error code, and the group is unaffected: same
 * member, same generation, no new assignment, and the consumer keeps reading.
 */
class GroupBadInputIT {
  private static final String GROUP = "billing";
  private static final String TOPIC = "orders";

  @TempDir Path dataDir;

  @Test
  @Timeout(120)
  void badGroupRequests_kafkaErrorCodesAndGroupUnaffected() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of("num.partitions", "2"));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(GroupClients.producer(broker.bootstrapServers()))) {
      producer.send(new ProducerRecord<>(TOPIC, new byte[] {1})).get();
      GroupClients.Consumed consumed = new GroupClients.Consumed();
      GroupClients.TrackedConsumer member =
          new GroupClients.TrackedConsumer(
              "member",
              GroupClients.consumer(broker.bootstrapServers(), GROUP, 10_000, 500),
              TOPIC,
              consumed,
              new ConcurrentHashMap<TopicPartition, String>(),
              new AtomicInteger());
      assertTrue(await(Duration.ofSeconds(30), () -> consumed.distinct() == 1));
      DescribeGroupsResponse.DescribedGroup before;
      try (GroupWire raw = new GroupWire(broker.broker().localAddress())) {
        before = describe(raw);
        assertEquals("Stable", before.groupState());
        String memberId = before.members().get(0).memberId();

        JoinGroupResponse bogusType =
            raw.call(
                ApiKey.JOIN_GROUP, (short) 9, join("bogus", new byte[8]), JoinGroupResponse::read);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), bogusType.errorCode());

        JoinGroupResponse oversized =
            raw.call(
                ApiKey.JOIN_GROUP,
                (short) 9,
                join("consumer", new byte[GroupConfig.DEFAULT_MAX_METADATA_BYTES + 1]),
                JoinGroupResponse::read);
        assertEquals(Errors.MESSAGE_TOO_LARGE.code(), oversized.errorCode());

        SyncGroupResponse stale =
            raw.call(
                ApiKey.SYNC_GROUP,
                (short) 5,
                new SyncGroupRequest().setGroupId(GROUP).setGenerationId(0).setMemberId(memberId),
                SyncGroupResponse::read);
        assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.errorCode());

        HeartbeatResponse ghost =
            raw.call(
                ApiKey.HEARTBEAT,
                (short) 4,
                new HeartbeatRequest().setGroupId(GROUP).setGenerationId(1).setMemberId("ghost"),
                HeartbeatResponse::read);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), ghost.errorCode());

        producer.send(new ProducerRecord<>(TOPIC, new byte[] {2})).get();
        assertTrue(await(Duration.ofSeconds(30), () -> consumed.distinct() == 2), "still reads");
        DescribeGroupsResponse.DescribedGroup after = describe(raw);
        assertEquals("Stable", after.groupState());
        assertEquals(1, after.members().size());
        assertEquals(memberId, after.members().get(0).memberId());
        assertEquals(1, member.assignments.get(), "no rebalance happened");
      } finally {
        member.close();
      }
      assertNull(member.failure());
    }
  }

  private static JoinGroupRequest join(String protocolType, byte[] metadata) {
    return new JoinGroupRequest()
        .setGroupId(GROUP)
        .setSessionTimeoutMs(10_000)
        .setRebalanceTimeoutMs(10_000)
        .setMemberId("")
        .setProtocolType(protocolType)
        .setProtocols(
            List.of(
                new JoinGroupRequest.JoinGroupRequestProtocol()
                    .setName("range")
                    .setMetadata(metadata)));
  }

  private static DescribeGroupsResponse.DescribedGroup describe(GroupWire raw) throws IOException {
    return raw.call(
            ApiKey.DESCRIBE_GROUPS,
            (short) 5,
            new DescribeGroupsRequest().setGroups(List.of(GROUP)),
            DescribeGroupsResponse::read)
        .groups()
        .get(0);
  }
}
