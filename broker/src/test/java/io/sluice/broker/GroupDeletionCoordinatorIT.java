package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.sluice.broker.group.OffsetsTopic;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DeleteGroups and OffsetDelete in a cluster of two brokers: the broker that does not coordinate
 * the group answers {@code NOT_COORDINATOR} (as for every other group request) instead of acting on
 * its own empty view of the group; the coordinator answers for the group; kafka-clients' admin,
 * which asks FindCoordinator first, reaches the coordinator.
 */
class GroupDeletionCoordinatorIT {
  private InProcessCluster cluster;

  @BeforeEach
  void startTwo() throws Exception {
    cluster = InProcessCluster.launch(2, Map.of("offsets.topic.replication.factor", "2"));
  }

  @AfterEach
  void stopAll() throws Exception {
    cluster.close();
  }

  /**
   * The id of the broker that coordinates {@code group}: the leader of its partition of {@code
   * __consumer_offsets}, as kafka-clients' admin finds it (FindCoordinator, which creates the topic
   * on first use).
   */
  private int coordinatorOf(String group) throws Exception {
    int partition = OffsetsTopic.partitionFor(group, 50);
    try (Admin admin = Admin.create(KafkaClients.admin(cluster.broker(1).bootstrapServers()))) {
      int[] id = {-1};
      Await.until(
          "a leader for " + OffsetsTopic.NAME + "-" + partition,
          Duration.ofSeconds(60),
          () -> {
            try {
              // Asking for the group's coordinator creates the topic on first use.
              admin.describeConsumerGroups(List.of(group)).all().get();
            } catch (Exception e) {
              // unknown group, or the topic still being created: only the leader matters here
            }
            try {
              Node leader =
                  admin
                      .describeTopics(List.of(OffsetsTopic.NAME))
                      .allTopicNames()
                      .get()
                      .get(OffsetsTopic.NAME)
                      .partitions()
                      .get(partition)
                      .leader();
              id[0] = leader == null ? -1 : leader.id();
              return id[0] > 0;
            } catch (Exception e) {
              return false;
            }
          });
      return id[0];
    }
  }

  private static short deleteGroups(EmbeddedBroker broker, String group) throws Exception {
    try (RawConnection c = new RawConnection(broker.broker().localAddress())) {
      c.send(
          ApiKey.DELETE_GROUPS.id(),
          (short) 2,
          7,
          new DeleteGroupsRequest().setGroupsNames(List.of(group)));
      ByteBuffer frame = c.readFrame();
      assertEquals(7, frame.getInt());
      frame.get(); // the flexible response header's tagged fields
      DeleteGroupsResponse response =
          DeleteGroupsResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 2);
      assertEquals(group, response.results().get(0).groupId());
      return response.results().get(0).errorCode();
    }
  }

  private static short offsetDelete(EmbeddedBroker broker, String group) throws Exception {
    try (RawConnection c = new RawConnection(broker.broker().localAddress())) {
      c.send(
          ApiKey.OFFSET_DELETE.id(),
          (short) 0,
          8,
          new OffsetDeleteRequest()
              .setGroupId(group)
              .setTopics(
                  List.of(
                      new OffsetDeleteRequest.OffsetDeleteRequestTopic()
                          .setName("t")
                          .setPartitions(
                              List.of(
                                  new OffsetDeleteRequest.OffsetDeleteRequestPartition()
                                      .setPartitionIndex(0))))));
      ByteBuffer frame = c.readFrame();
      assertEquals(8, frame.getInt());
      return OffsetDeleteResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 0)
          .errorCode();
    }
  }

  @Test
  void onlyTheCoordinatorAnswersForTheGroup_theOtherBrokerSaysNotCoordinator() throws Exception {
    String group = "deletion-group";
    int coordinator = coordinatorOf(group);
    EmbeddedBroker owner = cluster.broker(coordinator);
    EmbeddedBroker other = cluster.broker(coordinator == 1 ? 2 : 1);
    // Once the other broker's view has the offsets partition's leader (its watch), it refuses.
    Await.until(
        "broker " + (coordinator == 1 ? 2 : 1) + " to refuse DeleteGroups for the group",
        Duration.ofSeconds(30),
        () -> {
          try {
            return deleteGroups(other, group) == Errors.NOT_COORDINATOR.code();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertEquals(Errors.NOT_COORDINATOR.code(), offsetDelete(other, group));
    assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), deleteGroups(owner, group));
    assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), offsetDelete(owner, group));

    // kafka-clients' admin bootstrapped on the broker that does not coordinate finds the one that
    // does, and gets the coordinator's answer.
    try (Admin admin = Admin.create(KafkaClients.admin(other.bootstrapServers()))) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> admin.deleteConsumerGroups(List.of(group)).all().get());
      assertInstanceOf(GroupIdNotFoundException.class, e.getCause());
    }
  }
}
