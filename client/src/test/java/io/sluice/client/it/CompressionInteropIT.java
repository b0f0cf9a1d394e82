package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Header;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatches;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each codec through a broker, both ways with kafka-clients 4.4: records kafka-clients' producer
 * compresses are read by Sluice's consumer, and records Sluice's producer compresses are read by
 * kafka-clients' consumer, with the same offsets, keys, values, timestamps and headers. The segment
 * files show that the batches were stored compressed with the codec asked for (the broker keeps
 * them as they came).
 */
@Timeout(120)
class CompressionInteropIT {
  private static final int COUNT = 2_000;
  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static byte[] key(int i) {
    return ("key-" + (i % 50)).getBytes(StandardCharsets.UTF_8);
  }

  /** Compressible values of varied length: text with repeats, and a counter. */
  private static byte[] value(int i) {
    return ("value " + i + " " + "lorem ipsum dolor sit amet ".repeat(1 + i % 20))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The codec ids of every batch stored for partition 0 of {@code topic}. */
  private static List<Integer> storedCodecs(String topic) throws Exception {
    List<Integer> codecs = new ArrayList<>();
    try (Stream<Path> files = Files.list(broker.dataDir().resolve(topic + "-0"))) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        for (RecordBatch batch : RecordBatches.iterate(ByteBuffer.wrap(Files.readAllBytes(log)))) {
          codecs.add(batch.compressionId());
        }
      }
    }
    return codecs;
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
  void kafkaProducerCompresses_sluiceConsumerReadsEveryRecord(String codec) throws Exception {
    String topic = "theirs-" + codec;
    broker.createTopic(topic, 1);
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("compression.type", codec);
    props.put("linger.ms", "20");
    List<org.apache.kafka.clients.producer.RecordMetadata> acked = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent =
          new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        sent.add(
            producer.send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    topic,
                    0,
                    9_000L + i,
                    key(i),
                    value(i),
                    List.of(new RecordHeader("i", ("" + i).getBytes(StandardCharsets.UTF_8))))));
      }
      for (var f : sent) {
        acked.add(f.get());
      }
    }
    int codecId = codecId(codec);
    List<Integer> codecs = storedCodecs(topic);
    assertTrue(codecs.size() > 1, "several batches: " + codecs);
    assertTrue(codecs.stream().allMatch(c -> c == codecId), codec + " batches: " + codecs);

    List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(
            ConsumerConfig.builder()
                .bootstrapServers(broker.bootstrap())
                .autoOffsetReset("earliest")
                .fetchMaxWaitMs(50)
                .build())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      long deadline = System.currentTimeMillis() + 60_000;
      while (read.size() < COUNT && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(read::add);
      }
    }
    assertEquals(COUNT, read.size());
    for (int i = 0; i < COUNT; i++) {
      ConsumerRecord<byte[], byte[]> r = read.get(i);
      assertEquals(acked.get(i).offset(), r.offset());
      assertArrayEquals(key(i), r.key());
      assertArrayEquals(value(i), r.value(), "value " + i);
      assertEquals(9_000L + i, r.timestamp());
      assertEquals(
          List.of(new Header("i", ("" + i).getBytes(StandardCharsets.UTF_8))), r.headers());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
  void sluiceProducerCompresses_kafkaConsumerReadsEveryRecord(String codec) throws Exception {
    String topic = "ours-" + codec;
    broker.createTopic(topic, 1);
    List<io.sluice.client.RecordMetadata> acked = new ArrayList<>();
    try (Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(broker.bootstrap())
                .lingerMs(20)
                .properties(Map.of("compression.type", codec))
                .build())) {
      List<java.util.concurrent.CompletableFuture<io.sluice.client.RecordMetadata>> sent =
          new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    0,
                    5_000L + i,
                    key(i),
                    value(i),
                    List.of(new Header("i", ("" + i).getBytes(StandardCharsets.UTF_8))))));
      }
      for (var f : sent) {
        acked.add(f.get());
      }
    }
    int codecId = codecId(codec);
    List<Integer> codecs = storedCodecs(topic);
    assertTrue(codecs.size() > 1, "several batches: " + codecs);
    assertTrue(codecs.stream().allMatch(c -> c == codecId), codec + " batches: " + codecs);

    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("auto.offset.reset", "earliest");
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 60_000;
      while (read.size() < COUNT && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(read::add);
      }
    }
    assertEquals(COUNT, read.size());
    for (int i = 0; i < COUNT; i++) {
      var r = read.get(i);
      assertEquals(acked.get(i).offset(), r.offset());
      assertArrayEquals(key(i), r.key());
      assertArrayEquals(value(i), r.value(), "value " + i);
      assertEquals(5_000L + i, r.timestamp());
      assertArrayEquals(
          ("" + i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("i").value());
    }
  }

  private static int codecId(String codec) {
    return switch (codec) {
      case "gzip" -> 1;
      case "snappy" -> 2;
      case "lz4" -> 3;
      default -> 4;
    };
  }
}
