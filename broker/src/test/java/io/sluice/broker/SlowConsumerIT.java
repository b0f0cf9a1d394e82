package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FetchRequest;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A client that sends many fetches and never reads its socket, on the copy path (where queued
 * records would be memory): the broker's buffer memory stays bounded by the write-buffer water mark
 * and the in-flight cap, not by what the client asked for, and another consumer still reads
 * everything.
 */
class SlowConsumerIT {
  private static final int RECORDS = 20_000;
  private static final int FETCHES = 200;
  private static final int FETCH_BYTES = 1 << 20;

  @Test
  void clientNotReading_brokerMemoryBoundedOthersServed() throws Exception {
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            Map.of(
                "fetch.zerocopy", "false",
                "queued.max.requests.per.connection", "8",
                "socket.write.buffer.high.bytes", "1048576",
                "socket.write.buffer.low.bytes", "524288"))) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        for (int i = 0; i < RECORDS; i++) {
          producer.send(new ProducerRecord<>("wide", new byte[1024]));
        }
        producer.flush();
      }
      long before = usedDirectMemory();
      try (Socket stalled = new Socket()) {
        stalled.setReceiveBufferSize(4096);
        stalled.connect(broker.broker().localAddress());
        for (int i = 0; i < FETCHES; i++) {
          stalled
              .getOutputStream()
              .write(RawConnection.encode(ApiKey.FETCH.id(), (short) 11, i, fetch()));
        }
        stalled.getOutputStream().flush();
        Thread.sleep(1000);
        long held = usedDirectMemory() - before;
        // Asked for 200 MiB; the broker holds about the water mark plus one response.
        assertTrue(held < 16L << 20, "broker buffers grew by " + held + " bytes");

        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
          consumer.assign(List.of(new TopicPartition("wide", 0)));
          int read = 0;
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (read < RECORDS && System.nanoTime() < deadline) {
            read += consumer.poll(Duration.ofMillis(200)).count();
          }
          assertEquals(RECORDS, read);
        }
      }
    }
  }

  private static FetchRequest fetch() {
    return new FetchRequest()
        .setReplicaId(-1)
        .setMaxWaitMs(0)
        .setMinBytes(1)
        .setMaxBytes(FETCH_BYTES)
        .setTopics(
            new ArrayList<>(
                List.of(
                    new FetchRequest.FetchTopic()
                        .setTopic("wide")
                        .setPartitions(
                            new ArrayList<>(
                                List.of(
                                    new FetchRequest.FetchPartition()
                                        .setPartition(0)
                                        .setFetchOffset(0)
                                        .setPartitionMaxBytes(FETCH_BYTES)))))));
  }

  private static long usedDirectMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
