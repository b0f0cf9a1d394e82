package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets committed by an {@code assign()} consumer survive a broker restart. */
class CommittedOffsetsIT {
  @TempDir Path dataDir;

  @Test
  void commitSync_thenBrokerRestart_offsetsFetchedBack() throws Exception {
    TopicPartition p0 = new TopicPartition("events", 0);
    TopicPartition p1 = new TopicPartition("events", 1);
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of("num.partitions", "2"))) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("events", i % 2, null, new byte[] {(byte) i})).get();
        }
      }
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(groupConsumer(broker))) {
        consumer.assign(List.of(p0, p1));
        int read = 0;
        while (read < 10) {
          read += consumer.poll(Duration.ofMillis(200)).count();
        }
        consumer.commitSync(
            Map.of(p0, new OffsetAndMetadata(4, "four"), p1, new OffsetAndMetadata(5)));
      }

      broker.restart();

      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(groupConsumer(broker))) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1));
        assertEquals(4, committed.get(p0).offset());
        assertEquals("four", committed.get(p0).metadata());
        assertEquals(5, committed.get(p1).offset());
        consumer.assign(List.of(p0));
        ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
        while (records.isEmpty()) {
          records = consumer.poll(Duration.ofMillis(200));
        }
        // Resumes at the committed offset: offset 4 of partition 0 holds record 8.
        assertEquals(4, records.iterator().next().offset());
        assertArrayEquals(new byte[] {8}, records.iterator().next().value());
      }
    }
  }

  private static Properties groupConsumer(EmbeddedBroker broker) {
    Properties props = KafkaClients.consumer(broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "billing");
    return props;
  }
}
