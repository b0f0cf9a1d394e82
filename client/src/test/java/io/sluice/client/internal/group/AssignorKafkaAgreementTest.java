package io.sluice.client.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.client.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Sluice's assignors against kafka-clients' own, on seeded random groups: same members, same
 * subscriptions and partition counts must give every member the same partitions.
 */
class AssignorKafkaAgreementTest {
  private static final int CASES = 500;
  private static final Node NODE = new Node(0, "127.0.0.1", 9092);

  @Test
  void range_randomGroups_matchesKafkaRangeAssignor() {
    agree(new RangeAssignor(), new org.apache.kafka.clients.consumer.RangeAssignor(), 11L);
  }

  @Test
  void roundRobin_randomGroups_matchesKafkaRoundRobinAssignor() {
    agree(
        new RoundRobinAssignor(), new org.apache.kafka.clients.consumer.RoundRobinAssignor(), 12L);
  }

  @Test
  void range_sixPartitionsThreeMembers_givesTwoContiguousEach() {
    Map<String, MemberSubscription> members = new HashMap<>();
    for (String id : List.of("c", "a", "b")) {
      members.put(id, new MemberSubscription(id, null, List.of("t")));
    }
    Map<String, List<TopicPartition>> result = new RangeAssignor().assign(Map.of("t", 6), members);
    assertEquals(List.of(tp("t", 0), tp("t", 1)), result.get("a"));
    assertEquals(List.of(tp("t", 2), tp("t", 3)), result.get("b"));
    assertEquals(List.of(tp("t", 4), tp("t", 5)), result.get("c"));
  }

  @Test
  void roundRobin_staticMemberSortsFirst_getsPartitionZero() {
    Map<String, MemberSubscription> members = new HashMap<>();
    members.put("a", new MemberSubscription("a", null, List.of("t")));
    members.put("z", new MemberSubscription("z", "instance-1", List.of("t")));
    Map<String, List<TopicPartition>> result =
        new RoundRobinAssignor().assign(Map.of("t", 3), members);
    assertEquals(List.of(tp("t", 0), tp("t", 2)), result.get("z"));
    assertEquals(List.of(tp("t", 1)), result.get("a"));
  }

  @Test
  void assign_topicWithoutMetadata_isSkippedAndEveryMemberListed() {
    Map<String, MemberSubscription> members =
        Map.of(
            "a", new MemberSubscription("a", null, List.of("missing")),
            "b", new MemberSubscription("b", null, List.of("t")));
    for (PartitionAssignor assignor : List.of(new RangeAssignor(), new RoundRobinAssignor())) {
      Map<String, List<TopicPartition>> result = assignor.assign(Map.of("t", 2), members);
      assertEquals(List.of(), result.get("a"), assignor.name());
      assertEquals(List.of(tp("t", 0), tp("t", 1)), result.get("b"), assignor.name());
    }
  }

  private static void agree(PartitionAssignor ours, ConsumerPartitionAssignor theirs, long seed) {
    Random random = new Random(seed);
    for (int c = 0; c < CASES; c++) {
      int topicCount = 1 + random.nextInt(5);
      Map<String, Integer> partitionsPerTopic = new HashMap<>();
      List<PartitionInfo> infos = new ArrayList<>();
      List<String> allTopics = new ArrayList<>();
      for (int t = 0; t < topicCount; t++) {
        String topic = "topic-" + random.nextInt(1000);
        if (allTopics.contains(topic)) {
          continue;
        }
        allTopics.add(topic);
        // Some subscribed topics have no metadata at all: both sides must skip them.
        if (random.nextInt(8) == 0) {
          continue;
        }
        int count = random.nextInt(13);
        partitionsPerTopic.put(topic, count);
        for (int p = 0; p < count; p++) {
          infos.add(new PartitionInfo(topic, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
        }
      }
      Cluster cluster = new Cluster("c", List.of(NODE), infos, Set.of(), Set.of());
      int memberCount = 1 + random.nextInt(7);
      Map<String, MemberSubscription> members = new HashMap<>();
      Map<String, ConsumerPartitionAssignor.Subscription> subscriptions = new HashMap<>();
      for (int m = 0; m < memberCount; m++) {
        String memberId = "member-" + random.nextInt(100) + "-" + m;
        String instance = random.nextInt(3) == 0 ? "instance-" + random.nextInt(50) + m : null;
        List<String> topics = new ArrayList<>();
        for (String topic : allTopics) {
          if (random.nextInt(3) != 0) {
            topics.add(topic);
          }
        }
        if (topics.isEmpty()) {
          topics.add(allTopics.get(0));
        }
        members.put(memberId, new MemberSubscription(memberId, instance, topics));
        ConsumerPartitionAssignor.Subscription s =
            new ConsumerPartitionAssignor.Subscription(topics);
        s.setGroupInstanceId(Optional.ofNullable(instance));
        subscriptions.put(memberId, s);
      }
      Map<String, List<TopicPartition>> mine = ours.assign(partitionsPerTopic, members);
      Map<String, ConsumerPartitionAssignor.Assignment> kafka =
          theirs
              .assign(cluster, new ConsumerPartitionAssignor.GroupSubscription(subscriptions))
              .groupAssignment();
      assertEquals(kafka.keySet(), mine.keySet(), "case " + c);
      for (String memberId : kafka.keySet()) {
        Set<TopicPartition> expected = new HashSet<>();
        for (org.apache.kafka.common.TopicPartition tp : kafka.get(memberId).partitions()) {
          expected.add(tp(tp.topic(), tp.partition()));
        }
        assertEquals(expected.size(), mine.get(memberId).size(), "case " + c + " " + memberId);
        assertEquals(expected, new HashSet<>(mine.get(memberId)), "case " + c + " " + memberId);
      }
    }
  }

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }
}
