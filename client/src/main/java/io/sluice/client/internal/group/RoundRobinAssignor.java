package io.sluice.client.internal.group;

import io.sluice.client.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka's {@code roundrobin} assignor: all partitions of all subscribed topics, topics in name
 * order and partitions in number order, dealt one at a time to the members in {@link
 * MemberSubscription#KAFKA_ORDER}, cycling; a member not subscribed to a partition's topic is
 * skipped for that partition (and the cycle moves past it, as Kafka's does).
 */
final class RoundRobinAssignor implements PartitionAssignor {
  static final String NAME = "roundrobin";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, List<TopicPartition>> assign(
      Map<String, Integer> partitionsPerTopic, Map<String, MemberSubscription> members) {
    Map<String, List<TopicPartition>> result = new HashMap<>();
    Set<String> topics = new TreeSet<>();
    for (MemberSubscription member : members.values()) {
      result.put(member.memberId(), new ArrayList<>());
      topics.addAll(member.topics());
    }
    List<MemberSubscription> ring =
        members.values().stream().sorted(MemberSubscription.KAFKA_ORDER).toList();
    int next = 0;
    for (String topic : topics) {
      Integer count = partitionsPerTopic.get(topic);
      if (count == null) {
        continue;
      }
      for (int p = 0; p < count; p++) {
        // Some member subscribes to every topic in the set, so this loop ends.
        while (!ring.get(next).topics().contains(topic)) {
          next = (next + 1) % ring.size();
        }
        result.get(ring.get(next).memberId()).add(new TopicPartition(topic, p));
        next = (next + 1) % ring.size();
      }
    }
    return result;
  }
}
