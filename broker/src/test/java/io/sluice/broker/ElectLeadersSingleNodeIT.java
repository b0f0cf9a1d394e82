package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * ElectLeaders on a single node (every partition has one replica, its leader): Kafka's answers
 * through kafka-clients' {@code Admin.electLeaders}, an election type Kafka does not define, and
 * {@code CLUSTER_AUTHORIZATION_FAILED} without ALTER on the cluster.
 */
class ElectLeadersSingleNodeIT {

  private static Throwable failure(
      Map<TopicPartition, Optional<Throwable>> results, TopicPartition tp) {
    Optional<Throwable> result = results.get(tp);
    assertTrue(result != null && result.isPresent(), tp + ": " + results);
    return result.get();
  }

  @Test
  void everyExistingPartitionNeedsNoElection_othersAreUnknown() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("single", 2, (short) 1))).all().get();
      TopicPartition p0 = new TopicPartition("single", 0);
      TopicPartition p1 = new TopicPartition("single", 1);
      TopicPartition p2 = new TopicPartition("single", 2);
      TopicPartition negative = new TopicPartition("single", -1);
      TopicPartition unknown = new TopicPartition("nope", 0);
      for (ElectionType type : ElectionType.values()) {
        Map<TopicPartition, Optional<Throwable>> results =
            admin.electLeaders(type, Set.of(p0, p1, p2, negative, unknown)).partitions().get();
        assertEquals(Set.of(p0, p1, p2, negative, unknown), results.keySet());
        assertInstanceOf(ElectionNotNeededException.class, failure(results, p0));
        assertInstanceOf(ElectionNotNeededException.class, failure(results, p1));
        for (TopicPartition tp : List.of(p2, negative, unknown)) {
          assertInstanceOf(UnknownTopicOrPartitionException.class, failure(results, tp));
        }
        // Every partition: none needed an election, so none is listed.
        assertEquals(Map.of(), admin.electLeaders(type, null).partitions().get());
      }

      ElectLeadersRequest request =
          new ElectLeadersRequest()
              .setElectionType((byte) 2)
              .setTopicPartitions(
                  List.of(
                      new ElectLeadersRequest.TopicPartitions()
                          .setTopic("single")
                          .setPartitions(List.of(0))));
      ElectLeadersResponse response;
      try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
        raw.send(ApiKey.ELECT_LEADERS.id(), (short) 1, 3, request);
        ByteBuffer frame = raw.readFrame();
        assertEquals(3, frame.getInt());
        response =
            ElectLeadersResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 1);
      }
      assertEquals(Errors.INVALID_REQUEST.code(), response.errorCode());
      ElectLeadersResponse.PartitionResult result =
          response.replicaElectionResults().get(0).partitionResult().get(0);
      assertEquals(0, result.partitionId());
      assertEquals(Errors.INVALID_REQUEST.code(), result.errorCode());
      assertEquals("unknown election type 2", result.errorMessage());
    }
  }

  @Test
  void withoutAlterOnTheCluster_clusterAuthorizationFailed() throws Exception {
    Map<String, String> config =
        Map.of(
            "authorizer.class.name", AclApisIT.STANDARD, "allow.everyone.if.no.acl.found", "true");
    try (EmbeddedBroker broker = EmbeddedBroker.start(config);
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("guarded", 1, (short) 1))).all().get();
      TopicPartition tp = new TopicPartition("guarded", 0);
      // Open while no ACL covers the cluster.
      assertInstanceOf(
          ElectionNotNeededException.class,
          failure(admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get(), tp));
      // An ACL for another principal closes it to this one (ANONYMOUS).
      admin
          .createAcls(
              List.of(
                  new AclBinding(
                      new ResourcePattern(
                          ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                      new AccessControlEntry(
                          "User:admin", "*", AclOperation.ALTER, AclPermissionType.ALLOW))))
          .all()
          .get();
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get());
      assertInstanceOf(ClusterAuthorizationException.class, refused.getCause());
    }
  }
}
