package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The batch's {@code partitionLeaderEpoch} is the broker's, not the producer's: the Java producer
 * sends -1 (no epoch), and a Kafka consumer sees every record stamped with the single node's leader
 * epoch 0, which is what it will commit and compare with Metadata's epoch.
 */
class LeaderEpochIT {
  @Test
  void javaProducerSendsNoEpoch_consumerSeesLeaderEpochZero() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        for (int i = 0; i < 10; i++) {
          producer
              .send(
                  new ProducerRecord<>(
                      "epochs", 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))
              .get();
        }
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
        TopicPartition tp = new TopicPartition("epochs", 0);
        consumer.assign(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.size() < 10 && System.nanoTime() < deadline) {
          records.addAll(consumer.poll(Duration.ofMillis(200)).records(tp));
        }
        assertEquals(10, records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
          assertEquals(Optional.of(0), record.leaderEpoch(), "offset " + record.offset());
        }
      }
    }
  }
}
