package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.server.ServerStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Fetched records leave as file regions (sendfile) by default and through buffers with {@code
 * fetch.zerocopy=false}; the server's counters show which path carried every fetched byte.
 */
class ZeroCopyFetchIT {
  private static final int RECORDS = 2_000;
  private static final int VALUE_BYTES = 1024;

  @Test
  void fetch_zeroCopyOn_sentAsFileRegionsOnly() throws Exception {
    ServerStats stats = consumeAll(Map.of());
    assertTrue(stats.fileRegions() > 0);
    assertTrue(stats.fileRegionBytes() >= (long) RECORDS * VALUE_BYTES);
    assertEquals(0, stats.copiedSlices());
    assertEquals(0, stats.copiedBytes());
  }

  @Test
  void fetch_zeroCopyOff_copiedNeverFileRegions() throws Exception {
    ServerStats stats = consumeAll(Map.of("fetch.zerocopy", "false"));
    assertEquals(0, stats.fileRegions());
    assertEquals(0, stats.fileRegionBytes());
    assertTrue(stats.copiedSlices() > 0);
    assertTrue(stats.copiedBytes() >= (long) RECORDS * VALUE_BYTES);
  }

  private static ServerStats consumeAll(Map<String, String> overrides) throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(overrides)) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        for (int i = 0; i < RECORDS; i++) {
          producer.send(new ProducerRecord<>("blobs", new byte[VALUE_BYTES]));
        }
        producer.flush();
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
        consumer.assign(List.of(new TopicPartition("blobs", 0)));
        int read = 0;
        while (read < RECORDS) {
          read += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertEquals(RECORDS, read);
      }
      return broker.broker().serverStats();
    }
  }
}
