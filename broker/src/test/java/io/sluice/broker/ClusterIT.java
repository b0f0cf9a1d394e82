package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three brokers in this JVM on an in-process ZooKeeper, driven by the official Kafka clients: a
 * topic's leaders spread over the brokers, producers and a consumer group work across them, and a
 * new controller takes over when the controller's broker stops.
 */
class ClusterIT {
  private static final long WAIT_MS = 30_000;

  private InProcessCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = InProcessCluster.launch(3, id -> Map.of("broker.rack", "rack-" + (id % 2)));
  }

  @AfterEach
  void stopCluster() throws Exception {
    cluster.close();
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Leaders of the topic's partitions, counted per broker. CreateTopics answers once the broker
   * that took it has the topic in its metadata cache; another broker learns of it from its own
   * ZooKeeper watch a little later (as with Kafka), so the description is retried until the broker
   * the admin client asks knows every partition's leader.
   */
  private static Map<Integer, Integer> leadersPerBroker(Admin admin, String topic)
      throws Exception {
    TopicDescription[] found = new TopicDescription[1];
    waitFor(
        "every broker to know the leaders of " + topic,
        () -> {
          try {
            TopicDescription d =
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            if (d.partitions().stream().allMatch(p -> p.leader() != null)) {
              found[0] = d;
              return true;
            }
            return false;
          } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
              return false;
            }
            throw new AssertionError("describeTopics " + topic, e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
          }
        });
    TopicDescription description = found[0];
    Map<Integer, Integer> counts = new HashMap<>();
    for (TopicPartitionInfo partition : description.partitions()) {
      counts.merge(partition.leader().id(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void describeClusterListsEveryBrokerWithItsAddressAndRackAndTheController() throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(cluster.broker(2).bootstrapServers()))) {
      var result = admin.describeCluster();
      Map<Integer, String> seen = new HashMap<>();
      for (org.apache.kafka.common.Node node : result.nodes().get()) {
        seen.put(node.id(), node.host() + ":" + node.port() + "/" + node.rack());
      }
      Map<Integer, String> expected = new HashMap<>();
      for (Map.Entry<Integer, EmbeddedBroker> e : cluster.running().entrySet()) {
        expected.put(e.getKey(), e.getValue().bootstrapServers() + "/rack-" + (e.getKey() % 2));
      }
      assertEquals(expected, seen);
      int controller = result.controller().get().id();
      assertTrue(cluster.running().containsKey(controller), "controller " + controller);
      try (Admin other = Admin.create(KafkaClients.admin(cluster.broker(3).bootstrapServers()))) {
        assertEquals(controller, other.describeCluster().controller().get().id());
        assertEquals(result.clusterId().get(), other.describeCluster().clusterId().get());
      }
    }
  }

  @Test
  void aSixPartitionTopicSpreadsOverThreeBrokersAndAConsumerGroupReadsBackEveryRecord()
      throws Exception {
    String topic = "orders";
    int records = 3000;
    try (Admin admin = Admin.create(KafkaClients.admin(cluster.broker(1).bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
      assertEquals(Map.of(1, 2, 2, 2, 3, 2), leadersPerBroker(admin, topic));
    }
    // Each broker holds logs for exactly the partitions it leads.
    for (Map.Entry<Integer, EmbeddedBroker> entry : cluster.running().entrySet()) {
      long dirs;
      try (var files = java.nio.file.Files.list(entry.getValue().dataDir())) {
        dirs = files.filter(p -> p.getFileName().toString().startsWith(topic + "-")).count();
      }
      assertEquals(2, dirs, "broker " + entry.getKey());
    }

    Set<String> sent = new HashSet<>();
    Map<Integer, Integer> perPartition = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(cluster.broker(2).bootstrapServers()))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < records; i++) {
        String value = "record-" + i;
        sent.add(value);
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, i % 6, null, value.getBytes(StandardCharsets.UTF_8))));
      }
      for (Future<RecordMetadata> ack : acks) {
        perPartition.merge(ack.get().partition(), 1, Integer::sum);
      }
    }
    assertEquals(6, perPartition.size());

    Properties props = KafkaClients.consumer(cluster.broker(3).bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "readers");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Set<String> received = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (received.size() < records && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          assertTrue(
              received.add(new String(record.value(), StandardCharsets.UTF_8)),
              "delivered twice: " + record);
        }
      }
      consumer.commitSync();
    }
    assertEquals(sent, received);
  }

  @Test
  void whenTheControllersBrokerStopsAnotherIsElectedAndTopicsCanBeCreated() throws Exception {
    int controller;
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("before", 3, (short) 1))).all().get();
      controller = admin.describeCluster().controller().get().id();
    }
    long stopped = System.nanoTime();
    cluster.stop(controller);
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      waitFor(
          "a new controller",
          () -> {
            try {
              var node = admin.describeCluster().controller().get();
              return node != null && node.id() != controller && node.id() >= 0;
            } catch (Exception e) {
              return false;
            }
          });
      long failoverMs = (System.nanoTime() - stopped) / 1_000_000;
      System.out.println("controller failover after a clean stop: " + failoverMs + " ms");
      admin.createTopics(List.of(new NewTopic("after", 4, (short) 1))).all().get();
      Map<Integer, Integer> leaders = leadersPerBroker(admin, "after");
      assertEquals(2, leaders.size());
      assertTrue(!leaders.containsKey(controller));
      // The stopped broker's partition of "before" is offline.
      TopicDescription before =
          admin.describeTopics(List.of("before")).allTopicNames().get().get("before");
      for (TopicPartitionInfo partition : before.partitions()) {
        if (partition.leader() != null) {
          assertNotEquals(controller, partition.leader().id());
        }
      }
    }
  }
}
