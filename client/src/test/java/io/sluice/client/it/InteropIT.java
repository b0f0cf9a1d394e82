package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Header;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both directions with kafka-clients 4.4: records written by one client read by the other with the
 * same offsets, bytes, keys and headers, and keyed records on the same partitions.
 */
@Timeout(90)
class InteropIT {
  private static final int PARTITIONS = 4;
  private static final int COUNT = 300;
  private TestBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  private static byte[] key(int i) {
    return ("key-" + (i % 37)).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[1 + i % 200];
    for (int j = 0; j < v.length; j++) {
      v[j] = (byte) (i * 31 + j);
    }
    return v;
  }

  @Test
  void ourProducer_theirConsumer_sameOffsetsBytesKeysHeadersAndPartitions() throws Exception {
    broker.createTopic("ours", PARTITIONS);
    List<RecordMetadata> acked = new ArrayList<>();
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
      for (int i = 0; i < COUNT; i++) {
        acked.add(
            producer
                .send(
                    new ProducerRecord<>(
                        "ours",
                        null,
                        5_000L + i,
                        key(i),
                        value(i),
                        List.of(new Header("i", ("" + i).getBytes(StandardCharsets.UTF_8)))))
                .get());
      }
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("auto.offset.reset", "earliest");
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new org.apache.kafka.common.TopicPartition("ours", p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (read.size() < COUNT && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(read::add);
      }
    }
    assertEquals(COUNT, read.size());
    Map<String, Integer> indexByPosition = new java.util.HashMap<>();
    for (int i = 0; i < COUNT; i++) {
      indexByPosition.put(
          acked.get(i).topicPartition().partition() + "@" + acked.get(i).offset(), i);
    }
    for (var r : read) {
      int i = indexByPosition.get(r.partition() + "@" + r.offset());
      assertArrayEquals(key(i), r.key());
      assertArrayEquals(value(i), r.value());
      assertEquals(5_000L + i, r.timestamp());
      assertArrayEquals(
          ("" + i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("i").value());
      assertEquals(
          org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
              key(i), PARTITIONS),
          r.partition());
    }
  }

  @Test
  void theirProducer_ourConsumer_sameOffsetsBytesKeysHeadersAndPartitions() throws Exception {
    broker.createTopic("theirs", PARTITIONS);
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("linger.ms", "5");
    List<org.apache.kafka.clients.producer.RecordMetadata> acked = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < COUNT; i++) {
        var record =
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                "theirs",
                null,
                7_000L + i,
                key(i),
                value(i),
                List.of(new RecordHeader("i", ("" + i).getBytes(StandardCharsets.UTF_8))));
        acked.add(producer.send(record).get());
      }
    }
    List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition("theirs", p));
    }
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(
            ConsumerConfig.builder()
                .bootstrapServers(broker.bootstrap())
                .autoOffsetReset("earliest")
                .fetchMaxWaitMs(50)
                .build())) {
      consumer.assign(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (read.size() < COUNT && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(read::add);
      }
    }
    assertEquals(COUNT, read.size());
    for (int i = 0; i < COUNT; i++) {
      var m = acked.get(i);
      int index = i;
      ConsumerRecord<byte[], byte[]> r =
          read.stream()
              .filter(c -> c.partition() == m.partition() && c.offset() == m.offset())
              .findFirst()
              .orElseThrow(() -> new AssertionError("record " + index + " not read"));
      assertArrayEquals(key(i), r.key());
      assertArrayEquals(value(i), r.value());
      assertEquals(7_000L + i, r.timestamp());
      assertEquals(
          List.of(new Header("i", ("" + i).getBytes(StandardCharsets.UTF_8))), r.headers());
      assertEquals(
          io.sluice.client.internal.DefaultPartitioner.partitionForKey(key(i), PARTITIONS),
          r.partition());
    }
  }
}
