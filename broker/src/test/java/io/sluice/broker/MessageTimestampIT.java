package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.junit.jupiter.api.Test;

/**
 * The Kafka producer against {@code message.timestamp.after.max.ms} / {@code before.max.ms}: a
 * record timestamped beyond the bounds fails with {@link InvalidTimestampException} (no retry), one
 * within them is stored with its CreateTime.
 */
class MessageTimestampIT {
  private static final long HOUR = 3_600_000L;

  @Test
  void kafkaProducer_futureAndPastBeyondBounds_invalidTimestamp_withinStored() throws Exception {
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(Map.of("message.timestamp.before.max.ms", Long.toString(24 * HOUR)))) {
      Properties props = KafkaClients.producer(broker.bootstrapServers());
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      long now = System.currentTimeMillis();
      long ok = now - 60_000;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        RecordMetadata stored =
            producer.send(new ProducerRecord<>("times", 0, ok, null, "ok".getBytes())).get();
        assertEquals(0, stored.offset());
        for (long bad : List.of(now + 2 * HOUR, now - 2 * 24 * HOUR)) {
          ExecutionException e =
              assertThrows(
                  ExecutionException.class,
                  () ->
                      producer
                          .send(new ProducerRecord<>("times", 0, bad, null, "bad".getBytes()))
                          .get());
          assertInstanceOf(InvalidTimestampException.class, e.getCause(), e.toString());
        }
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
        TopicPartition tp = new TopicPartition("times", 0);
        consumer.assign(List.of(tp));
        assertEquals(1L, consumer.endOffsets(List.of(tp)).get(tp));
        List<ConsumerRecord<byte[], byte[]>> records = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
          records = consumer.poll(Duration.ofMillis(200)).records(tp);
        }
        assertEquals(1, records.size());
        assertEquals(ok, records.get(0).timestamp());
      }
    }
  }
}
