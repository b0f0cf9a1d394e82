package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A parked fetch is answered by the next append, not by its deadline. */
class LongPollFetchIT {
  private static final long MAX_WAIT_MS = 10_000;

  @Test
  void parkedFetch_recordProducedLater_arrivesWellBeforeMaxWait() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Properties props = KafkaClients.consumer(broker.bootstrapServers());
      props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(MAX_WAIT_MS));
      try (KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()));
          KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        producer.send(new ProducerRecord<>("ticks", new byte[] {0})).get();
        consumer.assign(List.of(new TopicPartition("ticks", 0)));
        int read = 0;
        while (read < 1) {
          read += consumer.poll(Duration.ofMillis(500)).count();
        }
        // The consumer's next fetch parks at the end of the log; produce while it waits.
        CompletableFuture<Long> sentAt =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    Thread.sleep(1000);
                    long now = System.nanoTime();
                    producer.send(new ProducerRecord<>("ticks", new byte[] {42})).get();
                    return now;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
        while (records.isEmpty()) {
          records = consumer.poll(Duration.ofSeconds(30));
        }
        long receivedAt = System.nanoTime();
        assertEquals(1, records.count());
        assertArrayEquals(new byte[] {42}, records.iterator().next().value());
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(receivedAt - sentAt.get());
        assertTrue(latencyMs < MAX_WAIT_MS / 5, "latency " + latencyMs + " ms");
        // Its next fetch is parked now; don't let close wait out max.wait.ms for it.
        consumer.close(CloseOptions.timeout(Duration.ofMillis(100)));
      }
    }
  }
}
