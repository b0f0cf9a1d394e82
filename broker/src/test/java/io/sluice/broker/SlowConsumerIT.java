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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Clients that send many large fetches and never read their sockets, on the copy path (where queued
 * records would be memory): the broker's buffer memory stays bounded by one copy chunk per
 * connection, not by what the clients asked for, and another consumer still reads everything.
 * Before the copy path wrote slices in chunks, each stalled connection pinned a whole copied slice
 * (here 8 MiB; 50 such clients took a broker to 1.1 GB).
 */
class SlowConsumerIT {
  private static final int RECORDS = 20_000;
  private static final int STALLED = 10;
  private static final int FETCHES = 20;
  private static final int FETCH_BYTES = 8 << 20;

  /**
   * Ten connections asking 160 MiB each may hold this much, chunks and allocator slack included.
   */
  private static final long BOUND = 16L << 20;

  @Test
  void clientsNotReading_brokerMemoryBoundedOthersServed() throws Exception {
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
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int c = 0; c < STALLED; c++) {
          Socket socket = new Socket();
          stalled.add(socket);
          socket.setReceiveBufferSize(4096);
          socket.connect(broker.broker().localAddress());
          for (int i = 0; i < FETCHES; i++) {
            socket
                .getOutputStream()
                .write(RawConnection.encode(ApiKey.FETCH.id(), (short) 11, i, fetch()));
          }
          socket.getOutputStream().flush();
        }
        // Every stalled connection has been answered (bytes wait, unread, in its socket): the
        // broker is writing to all of them from here on.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Socket socket : stalled) {
          while (socket.getInputStream().available() == 0) {
            assertTrue(System.nanoTime() < deadline, "a stalled connection got no answer");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
          }
        }
        long peak = usedDirectMemory() - before;

        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
          consumer.assign(List.of(new TopicPartition("wide", 0)));
          int read = 0;
          deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (read < RECORDS && System.nanoTime() < deadline) {
            read += consumer.poll(Duration.ofMillis(200)).count();
            peak = Math.max(peak, usedDirectMemory() - before);
          }
          assertEquals(RECORDS, read);
        }
        // Asked for 10 x 20 x 8 MiB; the broker holds about one 64 KiB chunk per connection.
        assertTrue(peak < BOUND, "broker buffers grew by " + peak + " bytes");
      } finally {
        for (Socket socket : stalled) {
          socket.close();
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
