package io.sluice.broker.group;

import static io.sluice.broker.group.GroupClients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Admin client lists and describes a live group (ListGroups, DescribeGroups), with
 * each member's client host, and a group that only committed offsets (Empty, no members).
 */
class GroupAdminIT {
  @TempDir Path dataDir;

  @Test
  @Timeout(120)
  void listAndDescribe_twoMemberGroup_stableWithEveryPartitionAssignedOnce() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of("num.partitions", "4"))) {
      String bootstrap = broker.bootstrapServers();
      GroupClients.createTopic(bootstrap, "events", 4);
      GroupClients.Consumed consumed = new GroupClients.Consumed();
      Map<TopicPartition, String> owners = new ConcurrentHashMap<>();
      AtomicInteger overlaps = new AtomicInteger();
      GroupClients.TrackedConsumer a =
          new GroupClients.TrackedConsumer(
              "a",
              GroupClients.consumer(bootstrap, "reporting", 10_000, 500),
              "events",
              consumed,
              owners,
              overlaps);
      GroupClients.TrackedConsumer b =
          new GroupClients.TrackedConsumer(
              "b",
              GroupClients.consumer(bootstrap, "reporting", 10_000, 500),
              "events",
              consumed,
              owners,
              overlaps);
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(props)) {
        assertTrue(await(Duration.ofSeconds(60), () -> a.owned.size() == 2 && b.owned.size() == 2));

        Collection<GroupListing> groups = admin.listGroups().all().get();
        assertEquals(1, groups.size());
        GroupListing listing = groups.iterator().next();
        assertEquals("reporting", listing.groupId());
        assertEquals("consumer", listing.protocol());
        assertEquals(GroupState.STABLE, listing.groupState().orElseThrow());

        ConsumerGroupDescription description =
            admin.describeConsumerGroups(List.of("reporting")).all().get().get("reporting");
        assertEquals(GroupState.STABLE, description.groupState());
        assertEquals("range", description.partitionAssignor());
        assertEquals(2, description.members().size());
        Set<TopicPartition> assigned = new HashSet<>();
        for (MemberDescription member : description.members()) {
          assertEquals(2, member.assignment().topicPartitions().size());
          // Kafka reports the member's address as InetAddress.toString() of the connection's peer.
          assertEquals("/127.0.0.1", member.host(), member.consumerId());
          assigned.addAll(member.assignment().topicPartitions());
        }
        assertEquals(4, assigned.size());
      } finally {
        a.close();
        b.close();
      }
      assertEquals(0, overlaps.get());
    }
  }

  @Test
  @Timeout(60)
  void describeAndList_groupWithOnlyCommittedOffsets_emptyWithNoMembers() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of())) {
      String bootstrap = broker.bootstrapServers();
      GroupClients.createTopic(bootstrap, "ledger", 2);
      TopicPartition tp = new TopicPartition("ledger", 1);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(GroupClients.consumer(bootstrap, "assigner", 10_000, 500))) {
        consumer.assign(List.of(tp));
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(7)));
      }
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(props)) {
        ConsumerGroupDescription description =
            admin.describeConsumerGroups(List.of("assigner")).all().get().get("assigner");
        assertEquals("assigner", description.groupId());
        assertEquals(GroupState.EMPTY, description.groupState());
        assertEquals(0, description.members().size());
        assertEquals("", description.partitionAssignor());

        Collection<GroupListing> groups = admin.listGroups().all().get();
        assertEquals(1, groups.size());
        GroupListing listing = groups.iterator().next();
        assertEquals("assigner", listing.groupId());
        assertEquals(GroupState.EMPTY, listing.groupState().orElseThrow());

        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets("assigner").partitionsToOffsetAndMetadata().get();
        assertEquals(Map.of(tp, new OffsetAndMetadata(7)), committed);
      }
    }
  }
}
