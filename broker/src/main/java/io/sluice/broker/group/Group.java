package io.sluice.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One group's state: members, generation, leader, selected protocol, and the bookkeeping of a
 * rebalance in progress. Knows no clock and no timer; {@link GroupCoordinator} drives it.
 *
 * <p>Thread safety: none of its own. Every access holds the monitor of this object (one lock per
 * group); timers and storage callbacks take it too. Futures of waiting requests are never completed
 * under the lock: they are {@linkplain #defer deferred} and run after it is released, so that a
 * handler's continuation never runs inside the group's critical section.
 *
 * <p>Invariants: {@code leaderId} is a member id of this group or null exactly when there are no
 * members; {@code staticMembers} maps each instance id to the member id that holds it; a member
 * awaits a sync only in CompletingRebalance, a join only in PreparingRebalance (or the deferred
 * moment it is answered).
 */
final class Group {
  final String groupId;
  GroupState state = GroupState.EMPTY;
  int generationId;
  String protocolType;
  String protocolName;
  String leaderId;

  /** In join order: the first one becomes leader when a leader is needed. */
  final Map<String, Member> members = new LinkedHashMap<>();

  /** group.instance.id to the member id that currently holds it. */
  final Map<String, String> staticMembers = new HashMap<>();

  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet used to rejoin. */
  final Set<String> pendingMembers = new HashSet<>();

  /** Bumped whenever a rebalance starts or completes: a timer of an older epoch does nothing. */
  int rebalanceEpoch;

  Scheduler.Cancellable joinTimer;
  boolean initialDelayActive;
  boolean newMemberAddedDuringDelay;
  long initialDelayRemainingMs;

  /**
   * When the group last became Empty, on the coordinator's clock; -1 until known (a group new or
   * restored Empty: offset expiry counts from the first time it finds it Empty).
   */
  long emptySinceMs = -1;

  /** The leader's SyncGroup of this generation arrived (its store may still be in flight). */
  boolean assignmentReceived;

  private final List<Runnable> deferred = new ArrayList<>();

  Group(String groupId) {
    this.groupId = groupId;
  }

  void defer(Runnable action) {
    deferred.add(action);
  }

  List<Runnable> drainDeferred() {
    if (deferred.isEmpty()) {
      return List.of();
    }
    List<Runnable> out = new ArrayList<>(deferred);
    deferred.clear();
    return out;
  }

  boolean isIn(GroupState candidate) {
    return state == candidate;
  }

  Member member(String memberId) {
    return members.get(memberId);
  }

  boolean has(String memberId) {
    return members.containsKey(memberId);
  }

  void add(Member member) {
    members.put(member.memberId, member);
    if (member.groupInstanceId != null) {
      staticMembers.put(member.groupInstanceId, member.memberId);
    }
    if (leaderId == null) {
      leaderId = member.memberId;
    }
  }

  /** Removes the member and hands leadership on (preferring a member that already rejoined). */
  Member remove(String memberId) {
    Member removed = members.remove(memberId);
    if (removed == null) {
      return null;
    }
    if (removed.groupInstanceId != null
        && memberId.equals(staticMembers.get(removed.groupInstanceId))) {
      staticMembers.remove(removed.groupInstanceId);
    }
    if (memberId.equals(leaderId)) {
      leaderId = null;
      for (Member candidate : members.values()) {
        if (candidate.isAwaitingJoin()) {
          leaderId = candidate.memberId;
          break;
        }
      }
      if (leaderId == null && !members.isEmpty()) {
        leaderId = members.keySet().iterator().next();
      }
    }
    return removed;
  }

  /** Swaps a static member's old id for a new one, keeping its place, assignment and lead. */
  Member replaceStatic(Member old, String newMemberId) {
    Member replacement = old.replacedBy(newMemberId);
    Map<String, Member> reordered = new LinkedHashMap<>();
    for (Map.Entry<String, Member> entry : members.entrySet()) {
      if (entry.getKey().equals(old.memberId)) {
        reordered.put(newMemberId, replacement);
      } else {
        reordered.put(entry.getKey(), entry.getValue());
      }
    }
    members.clear();
    members.putAll(reordered);
    staticMembers.put(old.groupInstanceId, newMemberId);
    if (old.memberId.equals(leaderId)) {
      leaderId = newMemberId;
    }
    return replacement;
  }

  /** A static member id that no longer holds its instance id (a newer instance took it). */
  boolean isStaticMemberFenced(String memberId, String groupInstanceId) {
    if (groupInstanceId == null) {
      return false;
    }
    String holder = staticMembers.get(groupInstanceId);
    return holder != null && !holder.equals(memberId);
  }

  /** Protocols every member supports. */
  Set<String> candidateProtocols() {
    Set<String> candidates = null;
    for (Member member : members.values()) {
      Set<String> names = new HashSet<>();
      for (JoinRequest.Protocol protocol : member.protocols) {
        names.add(protocol.name());
      }
      if (candidates == null) {
        candidates = names;
      } else {
        candidates.retainAll(names);
      }
    }
    return candidates == null ? Set.of() : candidates;
  }

  /** Whether a member with this protocol type and these protocols may join as things stand. */
  boolean supportsProtocols(String type, List<JoinRequest.Protocol> protocols) {
    if (type == null || type.isEmpty() || protocols.isEmpty()) {
      return false;
    }
    if (members.isEmpty()) {
      return true;
    }
    if (!type.equals(protocolType)) {
      return false;
    }
    Set<String> candidates = candidateProtocols();
    for (JoinRequest.Protocol protocol : protocols) {
      if (candidates.contains(protocol.name())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Kafka's vote: among the protocols every member supports, each member votes for the one it lists
   * first; most votes wins, a tie goes to the leader's preference.
   */
  String selectProtocol() {
    Set<String> candidates = candidateProtocols();
    Map<String, Integer> votes = new HashMap<>();
    for (Member member : members.values()) {
      for (JoinRequest.Protocol protocol : member.protocols) {
        if (candidates.contains(protocol.name())) {
          votes.merge(protocol.name(), 1, Integer::sum);
          break;
        }
      }
    }
    Member leader = members.get(leaderId);
    List<JoinRequest.Protocol> order =
        leader != null ? leader.protocols : members.values().iterator().next().protocols;
    String best = null;
    int bestVotes = -1;
    for (JoinRequest.Protocol protocol : order) {
      int count = votes.getOrDefault(protocol.name(), 0);
      if (candidates.contains(protocol.name()) && count > bestVotes) {
        best = protocol.name();
        bestVotes = count;
      }
    }
    return best;
  }

  /** Every member rejoined and no handed-out member id is still on its way back. */
  boolean allMembersJoined() {
    if (!pendingMembers.isEmpty()) {
      return false;
    }
    for (Member member : members.values()) {
      if (!member.isAwaitingJoin()) {
        return false;
      }
    }
    return true;
  }

  int maxRebalanceTimeoutMs() {
    int max = 0;
    for (Member member : members.values()) {
      max = Math.max(max, member.rebalanceTimeoutMs);
    }
    return max;
  }

  /** Throws if an invariant of the class comment is broken; tests call it after every test. */
  void checkInvariants() {
    if (members.isEmpty() != (leaderId == null)
        || (leaderId != null && !members.containsKey(leaderId))) {
      throw new IllegalStateException(groupId + ": leader " + leaderId + " of " + members.keySet());
    }
    for (Map.Entry<String, String> entry : staticMembers.entrySet()) {
      Member holder = members.get(entry.getValue());
      if (holder == null || !entry.getKey().equals(holder.groupInstanceId)) {
        throw new IllegalStateException(groupId + ": instance " + entry.getKey() + " dangling");
      }
    }
    boolean settled = state == GroupState.STABLE || state == GroupState.COMPLETING_REBALANCE;
    if ((state == GroupState.EMPTY && !members.isEmpty()) || (settled && members.isEmpty())) {
      throw new IllegalStateException(groupId + ": " + state + " with " + members.size());
    }
    for (Member member : members.values()) {
      if ((member.isAwaitingJoin() && state != GroupState.PREPARING_REBALANCE)
          || (member.isAwaitingSync() && state != GroupState.COMPLETING_REBALANCE)) {
        throw new IllegalStateException(groupId + ": " + member.memberId + " waits in " + state);
      }
    }
  }

  GroupSnapshot snapshot() {
    List<GroupSnapshot.MemberSnapshot> out = new ArrayList<>(members.size());
    for (Member member : members.values()) {
      byte[] metadata = protocolName == null ? null : member.metadata(protocolName);
      out.add(
          new GroupSnapshot.MemberSnapshot(
              member.memberId,
              member.groupInstanceId,
              member.clientId,
              member.clientHost,
              member.sessionTimeoutMs,
              member.rebalanceTimeoutMs,
              metadata == null ? new byte[0] : metadata,
              member.assignment));
    }
    return new GroupSnapshot(groupId, generationId, protocolType, protocolName, leaderId, out);
  }

  /** A group as it was stored: Stable with its members, or Empty. Timers are the caller's. */
  static Group restore(GroupSnapshot snapshot) {
    Group group = new Group(snapshot.groupId());
    group.generationId = snapshot.generationId();
    group.protocolType = snapshot.protocolType();
    for (GroupSnapshot.MemberSnapshot stored : snapshot.members()) {
      Member member =
          new Member(
              stored.memberId(),
              stored.groupInstanceId(),
              stored.clientId(),
              stored.clientHost(),
              stored.sessionTimeoutMs(),
              stored.rebalanceTimeoutMs(),
              List.of(new JoinRequest.Protocol(snapshot.protocolName(), stored.metadata())));
      member.assignment = stored.assignment();
      group.add(member);
    }
    if (!group.members.isEmpty()) {
      group.protocolName = snapshot.protocolName();
      group.leaderId = snapshot.leaderId();
      if (!group.members.containsKey(group.leaderId)) {
        group.leaderId = group.members.keySet().iterator().next();
      }
      group.state = GroupState.STABLE;
    }
    return group;
  }
}
