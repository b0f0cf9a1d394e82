package io.sluice.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The image under Testcontainers. Skipped where no Docker engine runs. Uses the image named by
 * {@code -Dsluice.image=...}, or builds one from the repository's Dockerfile.
 */
@Testcontainers(disabledWithoutDocker = true)
class SluiceContainerIT {

  @Container
  static final SluiceContainer SLUICE =
      new SluiceContainer(image()).withBrokerConfig("num.partitions", "2");

  static String image() {
    String named = System.getProperty("sluice.image");
    if (named != null && !named.isBlank()) {
      return named;
    }
    try {
      return new ImageFromDockerfile("sluice", false)
          .withFileFromPath(".", Entrypoint.repoRoot())
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the image from the Dockerfile", e);
    }
  }

  @Test
  void kafkaClientsProduceAndConsumeThroughTheMappedPort() throws Exception {
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SLUICE.getBootstrapServers());
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
      for (int i = 0; i < 10; i++) {
        assertEquals(i, producer.send(new ProducerRecord<>("t", 0, null, "v" + i)).get().offset());
      }
    }
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SLUICE.getBootstrapServers());
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
      TopicPartition partition = new TopicPartition("t", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 10 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      assertEquals(2, consumer.partitionsFor("t").size(), "num.partitions from withBrokerConfig");
    }
    assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), values);
  }

  @Test
  void readyAndMetricsAnswerOnTheMappedMetricsPort() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(SLUICE.getMetricsUrl() + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(SLUICE.getMetricsUrl() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("sluice_connections"), metrics.body());
  }
}
