package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two named listeners at once, as a container has them (one for other containers, one for the
 * host): kafka-clients on each get the addresses of the listener they connected to, in Metadata and
 * FindCoordinator, and work end to end through it. The listeners bind two loopback addresses
 * (127.0.0.1 and 127.0.0.2), so a client sent to the wrong one would see the wrong host.
 */
class MultipleListenersIT {
  private EmbeddedBroker broker;
  private String internal;
  private String external;

  @BeforeEach
  void start() {
    broker =
        EmbeddedBroker.start(
            Map.of(
                "listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.2:0",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT"));
    internal = broker.broker().bootstrapServers("INTERNAL");
    external = broker.broker().bootstrapServers("EXTERNAL");
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void eachClientIsGivenTheAddressOfItsOwnListener() throws Exception {
    assertEquals(internal, broker.bootstrapServers(), "the first listener is the default");
    assertNotEquals(internal.split(":")[0], external.split(":")[0]);
    assertEquals("127.0.0.2", external.split(":")[0]);
    assertEquals(List.of(internal), nodes(internal));
    assertEquals(List.of(external), nodes(external));
  }

  @Test
  void produceOnOneListenerConsumeInAGroupOnTheOther() throws Exception {
    Properties producerProps = KafkaClients.producer(external);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
      for (int i = 0; i < 10; i++) {
        assertEquals(
            i,
            producer
                .send(new ProducerRecord<>("both", 0, null, ("v" + i).getBytes()))
                .get()
                .offset());
      }
    }
    Properties consumerProps = KafkaClients.consumer(internal);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.subscribe(List.of("both"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < 10 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value()));
        }
      }
      consumer.commitSync();
    }
    assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), values);
    // The committed offset is visible through the other listener too.
    try (Admin admin = Admin.create(KafkaClients.admin(external))) {
      assertEquals(
          10,
          admin
              .listConsumerGroupOffsets("g")
              .partitionsToOffsetAndMetadata()
              .get()
              .get(new TopicPartition("both", 0))
              .offset());
    }
  }

  /** The brokers a client bootstrapped at {@code bootstrap} learns about, as host:port. */
  private static List<String> nodes(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
      Collection<Node> nodes = admin.describeCluster().nodes().get();
      List<String> addresses = new ArrayList<>();
      for (Node node : nodes) {
        addresses.add(node.host() + ":" + node.port());
      }
      return addresses;
    }
  }
}
