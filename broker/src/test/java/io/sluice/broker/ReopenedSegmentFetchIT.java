package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Zero-copy fetches of sealed segments whose files the broker does not keep open ({@code
 * log.segment.idle.files.max=0}): every fetch of an old segment opens its file again under a lease
 * and the {@code sendfile} region keeps it open until sent. A Kafka consumer reads every record
 * back, in order, byte for byte.
 */
class ReopenedSegmentFetchIT {
  private static final int RECORDS = 3_000;

  @Test
  void noIdleFilesKept_consumerReadsManySmallSegmentsFromTheStart() throws Exception {
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            Map.of("log.segment.bytes", "16384", "log.segment.idle.files.max", "0"))) {
      List<Long> offsets = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
          acks.add(producer.send(new ProducerRecord<>("reopen", 0, null, value(i))));
        }
        for (Future<RecordMetadata> ack : acks) {
          offsets.add(ack.get().offset());
        }
      }
      Properties props = KafkaClients.consumer(broker.bootstrapServers());
      props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "8192"); // many small fetches
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        TopicPartition tp = new TopicPartition("reopen", 0);
        consumer.assign(List.of(tp));
        int received = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received < RECORDS && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            assertEquals(offsets.get(received), record.offset());
            assertArrayEquals(value(received), record.value());
            received++;
          }
        }
        assertEquals(RECORDS, received);
      }
    }
  }

  private static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
  }
}
