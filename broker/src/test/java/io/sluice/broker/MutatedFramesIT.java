package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.protocol.wire.ByteBufRecords;
import io.sluice.testing.RecordingLeakDetector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Valid request frames with random bytes of their header and body changed (the size prefix is kept,
 * so each is a complete frame): every one gets a response or a closed connection within the socket
 * timeout, never a hang or an unexpected exception in the broker, and the broker keeps serving,
 * with no leaked buffers. 600 inputs, seeded.
 */
class MutatedFramesIT {
  private static final int INPUTS = 600;
  private static final long SEED = 20261126L;

  @Test
  void mutatedFrames_eachAnsweredOrClosed_brokerKeepsServing() throws Exception {
    int answered = 0;
    int closed = 0;
    RecordingLeakDetector.collect(); // leaks of earlier classes are theirs
    try (LogCapture serverLog = new LogCapture("io.sluice.broker")) {
      try (EmbeddedBroker broker =
          EmbeddedBroker.start(
              Map.of("auto.create.topics.enable", "false", "connections.max.idle.ms", "2000"))) {
        createTopic(broker);
        List<byte[]> frames = validFrames();
        Random random = new Random(SEED);
        for (int i = 0; i < INPUTS; i++) {
          byte[] frame = frames.get(i % frames.size()).clone();
          int flips = 1 + random.nextInt(4);
          for (int f = 0; f < flips; f++) {
            int at = 4 + random.nextInt(frame.length - 4);
            frame[at] = (byte) random.nextInt(256);
          }
          try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
            raw.send(frame);
            if (raw.readFrameOrClose() == null) {
              closed++;
            } else {
              answered++;
            }
          }
        }
        try (RawConnection good = new RawConnection(broker.broker().localAddress())) {
          good.send(frames.get(0));
          assertEquals(1, good.readFrame().getInt(), "a valid request is still answered");
        }
      }
      assertEquals(List.of(), RecordingLeakDetector.collect());
      // Bad input is the client's problem: anything the broker logs at WARN is a broker bug.
      assertEquals(List.of(), serverLog.warnings());
    }
    assertEquals(INPUTS, answered + closed);
    assertTrue(answered > 0 && closed > 0, "answered=" + answered + " closed=" + closed);
  }

  private static void createTopic(EmbeddedBroker broker) throws Exception {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("fuzz", 2, (short) 1)))
          .all()
          .get();
    }
  }

  private static List<byte[]> validFrames() {
    List<byte[]> frames = new ArrayList<>();
    frames.add(
        frame(
            ApiKey.METADATA,
            9,
            new MetadataRequest()
                .setAllowAutoTopicCreation(false)
                .setTopics(
                    new ArrayList<>(
                        List.of(new MetadataRequest.MetadataRequestTopic().setName("fuzz"))))));
    frames.add(
        frame(
            ApiKey.LIST_OFFSETS,
            5,
            new ListOffsetsRequest()
                .setReplicaId(-1)
                .setTopics(
                    new ArrayList<>(
                        List.of(
                            new ListOffsetsRequest.ListOffsetsTopic()
                                .setName("fuzz")
                                .setPartitions(
                                    new ArrayList<>(
                                        List.of(
                                            new ListOffsetsRequest.ListOffsetsPartition()
                                                .setPartitionIndex(1)
                                                .setTimestamp(-2)))))))));
    frames.add(
        frame(
            ApiKey.OFFSET_FETCH,
            6,
            new OffsetFetchRequest()
                .setGroupId("g")
                .setTopics(
                    new ArrayList<>(
                        List.of(
                            new OffsetFetchRequest.OffsetFetchRequestTopic()
                                .setName("fuzz")
                                .setPartitionIndexes(new ArrayList<>(List.of(0, 1))))))));
    ByteBuffer batch =
        new RecordBatchBuilder().append(1L, new byte[] {1}, new byte[] {2, 3, 4}).build();
    frames.add(
        frame(
            ApiKey.PRODUCE,
            9,
            new ProduceRequest()
                .setAcks((short) 1)
                .setTimeoutMs(1000)
                .setTopicData(
                    new ArrayList<>(
                        List.of(
                            new ProduceRequest.TopicProduceData()
                                .setName("fuzz")
                                .setPartitionData(
                                    new ArrayList<>(
                                        List.of(
                                            new ProduceRequest.PartitionProduceData()
                                                .setIndex(0)
                                                .setRecords(
                                                    new ByteBufRecords(
                                                        Unpooled.wrappedBuffer(batch)))))))))));
    return frames;
  }

  private static byte[] frame(ApiKey api, int version, ApiMessage body) {
    return RawConnection.encode(api.id(), (short) version, 1, body);
  }
}
