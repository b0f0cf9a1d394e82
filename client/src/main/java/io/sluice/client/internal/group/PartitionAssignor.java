package io.sluice.client.internal.group;

import io.sluice.client.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * Computes a group's assignment on the leader, from every member's subscription. Implementations
 * are deterministic and give the same result as Kafka's assignor of the same name, so that the
 * official consumer and Sluice's can lead the same group.
 *
 * <p>Thread safety: implementations are stateless.
 */
public interface PartitionAssignor {
  /** The protocol name sent in JoinGroup ({@code range}, {@code roundrobin}). */
  String name();

  /**
   * @param partitionsPerTopic the partition count of every subscribed topic that exists; topics
   *     missing from it are skipped, as Kafka skips topics without metadata
   * @param members every member's subscription, by member id
   * @return the partitions of every member, by member id; each member has an entry, maybe empty
   */
  Map<String, List<TopicPartition>> assign(
      Map<String, Integer> partitionsPerTopic, Map<String, MemberSubscription> members);

  /** The assignor named by a {@code partition.assignment.strategy} entry. */
  static PartitionAssignor forName(String name) {
    return switch (name) {
      case RangeAssignor.NAME, "org.apache.kafka.clients.consumer.RangeAssignor" ->
          new RangeAssignor();
      case RoundRobinAssignor.NAME, "org.apache.kafka.clients.consumer.RoundRobinAssignor" ->
          new RoundRobinAssignor();
      default ->
          throw new IllegalArgumentException(
              "invalid value partition.assignment.strategy="
                  + name
                  + ": expected range or roundrobin");
    };
  }
}
