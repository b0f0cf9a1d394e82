package io.sluice.broker.group;

import java.util.List;

/**
 * What survives a restart of one group: its last settled generation. Written when a generation
 * becomes Stable (the leader's assignment is stored), when a static member is replaced, and when
 * the group becomes Empty. A group restored with members is Stable, so members that keep
 * heartbeating across the restart continue without a rebalance.
 *
 * @param protocolType null while the group never had a member
 * @param protocolName null when the group has no members
 * @param leaderId null when the group has no members
 */
record GroupSnapshot(
    String groupId,
    int generationId,
    String protocolType,
    String protocolName,
    String leaderId,
    List<MemberSnapshot> members) {

  GroupSnapshot {
    members = List.copyOf(members);
  }

  /** A member with its metadata for the selected protocol and its assignment. */
  record MemberSnapshot(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int sessionTimeoutMs,
      int rebalanceTimeoutMs,
      byte[] metadata,
      byte[] assignment) {}
}
