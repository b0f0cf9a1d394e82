package io.sluice.broker.group;

import java.util.List;

/**
 * One group of DescribeGroups, as Kafka describes it: members' metadata and assignments only while
 * the group is Stable (before that they are not settled), and {@code protocolName} empty outside
 * Stable. An unknown group is described as Dead with no members.
 */
public record GroupDescription(
    String groupId,
    GroupState state,
    String protocolType,
    String protocolName,
    List<DescribedMember> members) {

  public GroupDescription {
    members = List.copyOf(members);
  }

  /** One member. */
  public record DescribedMember(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      byte[] metadata,
      byte[] assignment) {}
}
