package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kafka-clients' {@code offsetsForTimes} against Sluice: the answer is the first record whose
 * timestamp is at least the target, with that record's timestamp, even inside a batch.
 */
class ListOffsetsByTimestampIT {
  private static final TopicPartition TP = new TopicPartition("clock", 0);

  @Test
  @Timeout(60)
  void offsetsForTimes_batchOfIncreasingTimestamps_exactRecordOffsetAndTimestamp()
      throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
        admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1))).all().get();
      }
      Properties props = KafkaClients.producer(bootstrap);
      // Records wait for flush(), so that each group of sends below is one batch.
      props.put(ProducerConfig.LINGER_MS_CONFIG, "60000");
      props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        send(producer, 100, 200); // offsets 0-1
        send(producer, 1000, 2000, 3000, 4000, 5000); // offsets 2-6, one batch
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(KafkaClients.consumer(bootstrap))) {
        assertEquals(List.of(1L, 200L), lookup(consumer, 150));
        assertEquals(List.of(2L, 1000L), lookup(consumer, 201));
        assertEquals(List.of(4L, 3000L), lookup(consumer, 2500));
        assertEquals(List.of(5L, 4000L), lookup(consumer, 4000));
        assertEquals(List.of(6L, 5000L), lookup(consumer, 4999));
        assertNull(lookup(consumer, 5001));
      }
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, long... timestamps)
      throws Exception {
    for (int i = 0; i < timestamps.length; i++) {
      producer.send(
          new ProducerRecord<>(TP.topic(), 0, timestamps[i], null, new byte[] {(byte) i}));
    }
    producer.flush();
  }

  /** [offset, timestamp] of the answer, or null if there is none. */
  private static List<Long> lookup(KafkaConsumer<byte[], byte[]> consumer, long ts) {
    OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(TP, ts)).get(TP);
    return found == null ? null : List.of(found.offset(), found.timestamp());
  }
}
