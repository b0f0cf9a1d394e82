package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The official Kafka producer and consumer against Sluice, over real sockets. */
class KafkaProduceConsumeIT {
  private static final int RECORDS = 100_000;
  private static final int PARTITIONS = 3;

  @Test
  void produceThenAssign_100kRecords_readBackByteIdenticalInOrder() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      String topic = "orders";
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
      }
      // Per partition, the index of the record stored at each offset, as the producer was told.
      List<List<Integer>> sentByPartition = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        sentByPartition.add(new ArrayList<>());
      }
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
          acks.add(producer.send(new ProducerRecord<>(topic, i % PARTITIONS, key(i), value(i))));
        }
        for (int i = 0; i < RECORDS; i++) {
          RecordMetadata metadata = acks.get(i).get();
          List<Integer> partition = sentByPartition.get(metadata.partition());
          assertEquals(partition.size(), metadata.offset(), "offsets are dense per partition");
          partition.add(i);
        }
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        long[] next = new long[PARTITIONS];
        int received = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received < RECORDS && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            int p = record.partition();
            assertEquals(next[p], record.offset(), "partition " + p + " in order, no gaps");
            int index = sentByPartition.get(p).get((int) record.offset());
            assertArrayEquals(key(index), record.key());
            assertArrayEquals(value(index), record.value());
            next[p]++;
            received++;
          }
        }
        assertEquals(RECORDS, received);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (int p = 0; p < PARTITIONS; p++) {
          assertEquals(sentByPartition.get(p).size(), ends.get(partitions.get(p)));
        }
      }
      assertTrue(broker.broker().serverStats().fileRegionBytes() > (long) RECORDS * 100);
    }
  }

  static byte[] key(int i) {
    return ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** 100..227 bytes that depend on {@code i}, so a misplaced record is caught. */
  static byte[] value(int i) {
    ByteBuffer value = ByteBuffer.allocate(100 + (i % 128));
    while (value.remaining() >= 4) {
      value.putInt(i * 31 + value.position());
    }
    return value.array();
  }
}
