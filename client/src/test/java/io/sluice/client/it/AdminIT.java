package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Admin;
import io.sluice.client.ClusterDescription;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicDescription;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import io.sluice.protocol.Errors;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin: create, list, describe with offsets, delete, and the errors of each. */
@Timeout(60)
class AdminIT {
  private TestBroker broker;
  private Admin admin;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
    admin = new Admin(broker.bootstrap(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    broker.close();
  }

  @Test
  void createListDescribeDelete_roundTrip() throws Exception {
    admin.createTopic("alpha", 3, Map.of());
    admin.createTopic("beta", 1, Map.of());
    assertEquals(Set.of("alpha", "beta"), admin.listTopics());

    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
      for (int i = 0; i < 7; i++) {
        producer.send(new ProducerRecord<>("alpha", 1, null, null, new byte[] {1}, null));
      }
      producer.flush();
    }
    TopicDescription alpha = admin.describeTopic("alpha");
    assertEquals("alpha", alpha.name());
    assertEquals(3, alpha.partitions().size());
    TopicDescription.PartitionDescription p1 = alpha.partitions().get(1);
    assertEquals(1, p1.partition());
    assertEquals(0, p1.earliestOffset());
    assertEquals(7, p1.latestOffset());
    assertEquals(0, alpha.partitions().get(0).latestOffset());
    assertTrue(p1.leader() >= 0);

    admin.deleteTopic("alpha");
    assertEquals(Set.of("beta"), admin.listTopics());
  }

  @Test
  void describeCluster_singleNode_isItsOwnControllerAndLeadsEveryPartition() {
    admin.createTopic("gamma", 2, Map.of());
    ClusterDescription cluster = admin.describeCluster();
    assertEquals(
        java.util.List.of(new ClusterDescription.Broker(0, "127.0.0.1", broker.port(), null)),
        cluster.brokers());
    assertEquals(0, cluster.controllerId());
    assertTrue(cluster.clusterId() != null && !cluster.clusterId().isEmpty());
    assertEquals(
        Map.of(new TopicPartition("gamma", 0), 0, new TopicPartition("gamma", 1), 0),
        admin.partitionLeaders());
  }

  @Test
  void createTopic_exists_failsWithTopicAlreadyExists() {
    admin.createTopic("dup", 1, Map.of());
    SluiceClientException e =
        assertThrows(SluiceClientException.class, () -> admin.createTopic("dup", 1, Map.of()));
    assertEquals(Errors.TOPIC_ALREADY_EXISTS, e.error());
    assertEquals("topic 'dup' already exists", e.getMessage());
  }

  @Test
  void describeAndDelete_unknownTopic_failWithUnknownTopic() {
    SluiceClientException describe =
        assertThrows(SluiceClientException.class, () -> admin.describeTopic("ghost"));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, describe.error());
    SluiceClientException delete =
        assertThrows(SluiceClientException.class, () -> admin.deleteTopic("ghost"));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, delete.error());
    assertEquals("topic 'ghost' does not exist", delete.getMessage());
  }
}
