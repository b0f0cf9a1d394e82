package io.sluice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams 4.4's word count against an embedded Sluice broker: a repartition topic (by word)
 * and a state store with a compacted changelog topic, both created by Streams through CreateTopics
 * with their configurations. The application counts, is stopped, more text arrives, and a new
 * instance on the same state continues from its state: every count is exact, nothing is counted
 * twice.
 */
class WordCountStreamsIT {
  private static final String APP = "wordcount";
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path state;

  private static KafkaStreams start(String bootstrap, Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("text")
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.as("counts"))
        .toStream()
        .to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.String().getClass());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.String().getClass());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.start();
    return streams;
  }

  private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      assertTrue(System.nanoTime() < deadline, "streams not running: " + streams.state());
      Thread.sleep(50); // polling a state with a deadline, not synchronising on time
    }
  }

  private static void produce(String bootstrap, List<String> lines) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>("text", line)).get();
      }
    }
  }

  /** Reads word-counts from the start until the latest count of every word equals {@code want}. */
  private static Map<String, Long> awaitCounts(String bootstrap, Map<String, Long> want) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
    Map<String, Long> latest = new HashMap<>();
    try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("word-counts").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (!latest.equals(want) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
          latest.put(r.key(), r.value());
        }
      }
    }
    return latest;
  }

  @Test
  void wordCount_countsStopsRestartsAndContinuesWithoutRecounting() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      Properties adminProps = new Properties();
      adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(adminProps)) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("text", 2, (short) 1), new NewTopic("word-counts", 2, (short) 1)))
            .all()
            .get();
        produce(bootstrap, List.of("the quick brown fox", "the lazy dog", "The end"));

        KafkaStreams first = start(bootstrap, state);
        try {
          awaitRunning(first);
          Map<String, Long> want =
              Map.of(
                  "the", 3L, "quick", 1L, "brown", 1L, "fox", 1L, "lazy", 1L, "dog", 1L, "end", 1L);
          assertEquals(want, awaitCounts(bootstrap, want));
        } finally {
          first.close(Duration.ofSeconds(30));
        }

        ConfigResource changelog =
            new ConfigResource(ConfigResource.Type.TOPIC, APP + "-counts-changelog");
        assertEquals(
            "compact",
            admin
                .describeConfigs(List.of(changelog))
                .all()
                .get()
                .get(changelog)
                .get("cleanup.policy")
                .value());
        assertTrue(
            admin.listTopics().names().get().contains(APP + "-counts-repartition"),
            "repartition topic");

        produce(bootstrap, List.of("the fox again", "a dog"));
        KafkaStreams second = start(bootstrap, state);
        try {
          awaitRunning(second);
          Map<String, Long> want = new HashMap<>();
          want.putAll(
              Map.of(
                  "the", 4L, "quick", 1L, "brown", 1L, "fox", 2L, "lazy", 1L, "dog", 2L, "end",
                  1L));
          want.put("again", 1L);
          want.put("a", 1L);
          assertEquals(want, awaitCounts(bootstrap, want));
        } finally {
          second.close(Duration.ofSeconds(30));
        }
      }
    }
  }
}
