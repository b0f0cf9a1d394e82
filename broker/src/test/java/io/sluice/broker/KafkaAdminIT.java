package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** Kafka's AdminClient creates, lists, describes and deletes topics on Sluice. */
class KafkaAdminIT {

  @Test
  void adminClient_createListDescribeDelete_seesEachChange() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic("alpha", 3, (short) 1), new NewTopic("beta", 1, (short) 1)))
          .all()
          .get();
      assertEquals(Set.of("alpha", "beta"), admin.listTopics().names().get());

      Map<String, TopicDescription> described =
          admin.describeTopics(List.of("alpha")).allTopicNames().get();
      assertEquals(3, described.get("alpha").partitions().size());
      assertEquals(0, described.get("alpha").partitions().get(2).leader().id());

      ExecutionException again =
          assertThrows(
              ExecutionException.class,
              () -> admin.createTopics(List.of(new NewTopic("alpha", 1, (short) 1))).all().get());
      assertInstanceOf(TopicExistsException.class, again.getCause());

      admin.deleteTopics(List.of("alpha")).all().get();
      assertEquals(Set.of("beta"), admin.listTopics().names().get());
      assertFalse(broker.dataDir().resolve("alpha-0").toFile().exists());

      ExecutionException missing =
          assertThrows(
              ExecutionException.class, () -> admin.deleteTopics(List.of("alpha")).all().get());
      assertInstanceOf(UnknownTopicOrPartitionException.class, missing.getCause());
      assertTrue(broker.dataDir().resolve("beta-0").toFile().isDirectory());
    }
  }
}
