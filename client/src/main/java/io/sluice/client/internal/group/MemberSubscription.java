package io.sluice.client.internal.group;

import java.util.Comparator;
import java.util.List;

/**
 * One member's entry in the leader's JoinGroup response, as the assignors see it.
 *
 * <p>Members are ordered as Kafka's assignors order them: static members (with a {@code
 * group.instance.id}) first, by instance id, then dynamic members by member id. The order decides
 * who gets the extra partitions, so it must match Kafka's for mixed groups to agree.
 *
 * @param memberId the id the coordinator gave the member
 * @param groupInstanceId its {@code group.instance.id}, or null for a dynamic member
 * @param topics the topics it subscribes to
 */
public record MemberSubscription(String memberId, String groupInstanceId, List<String> topics) {
  static final Comparator<MemberSubscription> KAFKA_ORDER =
      (a, b) -> {
        if (a.groupInstanceId != null && b.groupInstanceId != null) {
          return a.groupInstanceId.compareTo(b.groupInstanceId);
        } else if (a.groupInstanceId != null) {
          return -1;
        } else if (b.groupInstanceId != null) {
          return 1;
        }
        return a.memberId.compareTo(b.memberId);
      };

  public MemberSubscription {
    topics = List.copyOf(topics);
  }
}
