package io.sluice.client.internal.group;

import io.sluice.client.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka's {@code range} assignor: topic by topic, the partitions are cut into contiguous ranges,
 * one per subscribed member in {@link MemberSubscription#KAFKA_ORDER}; with {@code n} partitions
 * and {@code c} members, the first {@code n % c} members get one partition more.
 *
 * <p>Kafka's rack-aware variant applies only when members send racks; Sluice's never do, and
 * without racks Kafka's result is the one computed here.
 */
final class RangeAssignor implements PartitionAssignor {
  static final String NAME = "range";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, List<TopicPartition>> assign(
      Map<String, Integer> partitionsPerTopic, Map<String, MemberSubscription> members) {
    Map<String, List<TopicPartition>> result = new HashMap<>();
    Map<String, List<MemberSubscription>> subscribers = new TreeMap<>();
    for (MemberSubscription member : members.values()) {
      result.put(member.memberId(), new ArrayList<>());
      for (String topic : member.topics()) {
        subscribers.computeIfAbsent(topic, k -> new ArrayList<>()).add(member);
      }
    }
    subscribers.forEach(
        (topic, list) -> {
          Integer count = partitionsPerTopic.get(topic);
          if (count == null || count == 0) {
            return;
          }
          List<MemberSubscription> sorted =
              list.stream().distinct().sorted(MemberSubscription.KAFKA_ORDER).toList();
          int perMember = count / sorted.size();
          int withExtra = count % sorted.size();
          for (int i = 0; i < sorted.size(); i++) {
            int start = perMember * i + Math.min(i, withExtra);
            int length = perMember + (i < withExtra ? 1 : 0);
            List<TopicPartition> target = result.get(sorted.get(i).memberId());
            for (int p = start; p < start + length; p++) {
              target.add(new TopicPartition(topic, p));
            }
          }
        });
    return result;
  }
}
