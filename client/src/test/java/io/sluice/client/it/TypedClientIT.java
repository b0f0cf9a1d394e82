package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import io.sluice.client.TopicPartition;
import io.sluice.client.serialization.Deserializer;
import io.sluice.client.serialization.LongDeserializer;
import io.sluice.client.serialization.Serializer;
import io.sluice.client.serialization.StringDeserializer;
import io.sluice.client.testing.TestBroker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Typed keys and values through serializers, written the way a kafka-clients user writes them:
 * settings by Kafka's key names (serializers by Kafka's class names), {@code acks=1} with
 * idempotence left alone, and a user's own serializer handed to the constructor.
 */
@Timeout(60)
class TypedClientIT {
  private TestBroker broker;

  @BeforeEach
  void start() {
    broker = TestBroker.start();
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private static <K, V> List<ConsumerRecord<K, V>> pollUntil(Consumer<K, V> consumer, int count) {
    List<ConsumerRecord<K, V>> all = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (all.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(all::add);
    }
    return all;
  }

  @Test
  void stringKeysLongValues_kafkaStyleProperties_acksOneWithoutTouchingIdempotence()
      throws Exception {
    broker.createTopic("prices", 1);
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("acks", "1");
    props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.LongSerializer");
    List<RecordMetadata> sent = new ArrayList<>();
    try (Producer<String, Long> producer = new Producer<>(props)) {
      sent.add(producer.send(new ProducerRecord<>("prices", "apple", 120L)).get());
      sent.add(producer.send(new ProducerRecord<>("prices", "pear", -3L)).get());
      sent.add(producer.send(new ProducerRecord<>("prices", 42L)).get());
    }
    assertEquals(List.of(0L, 1L, 2L), sent.stream().map(RecordMetadata::offset).toList());

    ConsumerConfig config =
        ConsumerConfig.builder()
            .bootstrapServers(broker.bootstrap())
            .autoOffsetReset("earliest")
            .build();
    try (Consumer<String, Long> consumer =
        new Consumer<>(config, new StringDeserializer(), new LongDeserializer())) {
      consumer.assign(List.of(new TopicPartition("prices", 0)));
      List<ConsumerRecord<String, Long>> records = pollUntil(consumer, 3);
      assertEquals(
          List.of("apple=120", "pear=-3", "null=42"),
          records.stream().map(r -> r.key() + "=" + r.value()).toList());
    }
  }

  /** A user's own type. */
  record Point(int x, int y) {}

  static final class PointSerializer implements Serializer<Point> {
    @Override
    public byte[] serialize(String topic, Point p) {
      return ByteBuffer.allocate(8).putInt(p.x()).putInt(p.y()).array();
    }
  }

  static final class PointDeserializer implements Deserializer<Point> {
    @Override
    public Point deserialize(String topic, byte[] data) {
      ByteBuffer b = ByteBuffer.wrap(data);
      return new Point(b.getInt(), b.getInt());
    }
  }

  @Test
  void usersOwnSerializer_roundTripsThroughTheBroker() throws Exception {
    broker.createTopic("points", 1);
    ProducerConfig producerConfig =
        ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build();
    assertEquals(true, producerConfig.enableIdempotence());
    try (Producer<Long, Point> producer =
        new Producer<>(
            producerConfig,
            new io.sluice.client.serialization.LongSerializer(),
            new PointSerializer())) {
      for (long i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>("points", i, new Point((int) i, (int) -i)));
      }
      producer.flush();
    }
    Map<String, Object> consumerProps =
        Map.of(
            "bootstrap.servers",
            broker.bootstrap(),
            "auto.offset.reset",
            "earliest",
            "key.deserializer",
            LongDeserializer.class);
    try (Consumer<Long, Point> consumer =
        new Consumer<>(consumerProps, new LongDeserializer(), new PointDeserializer())) {
      consumer.assign(List.of(new TopicPartition("points", 0)));
      List<ConsumerRecord<Long, Point>> records = pollUntil(consumer, 5);
      assertEquals(5, records.size());
      for (int i = 0; i < 5; i++) {
        assertEquals((long) i, records.get(i).key());
        assertEquals(new Point(i, -i), records.get(i).value());
      }
      assertFalse(consumer.poll(Duration.ofMillis(50)).iterator().hasNext());
    }
  }
}
