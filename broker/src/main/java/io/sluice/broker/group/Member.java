package io.sluice.broker.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a group: what it joined with, what it was assigned, and the requests of it that
 * wait. Not thread-safe: confined to its group's lock, like everything else in {@link Group}.
 */
final class Member {
  final String memberId;
  final String groupInstanceId;
  String clientId;
  String clientHost;
  int sessionTimeoutMs;
  int rebalanceTimeoutMs;

  /** Most preferred first. */
  List<JoinRequest.Protocol> protocols;

  byte[] assignment = new byte[0];

  /** Set while its JoinGroup waits for the rebalance to complete. */
  CompletableFuture<JoinResult> awaitingJoin;

  /** Set while its SyncGroup waits for the leader's assignment. */
  CompletableFuture<SyncResult> awaitingSync;

  /** When the session expires unless a heartbeat (or any request) pushes it back. */
  long sessionDeadlineMs;

  /** The pending expiry check, if any; at most one per member. */
  Scheduler.Cancellable expiryTimer;

  Member(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int sessionTimeoutMs,
      int rebalanceTimeoutMs,
      List<JoinRequest.Protocol> protocols) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.protocols = List.copyOf(protocols);
  }

  /** A new member taking this static member's place under a new member id. */
  Member replacedBy(String newMemberId) {
    Member replacement =
        new Member(
            newMemberId,
            groupInstanceId,
            clientId,
            clientHost,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            protocols);
    replacement.assignment = assignment;
    return replacement;
  }

  boolean isAwaitingJoin() {
    return awaitingJoin != null;
  }

  boolean isAwaitingSync() {
    return awaitingSync != null;
  }

  /** This member's metadata for {@code protocolName}, or null if it does not support it. */
  byte[] metadata(String protocolName) {
    for (JoinRequest.Protocol protocol : protocols) {
      if (protocol.name().equals(protocolName)) {
        return protocol.metadata();
      }
    }
    return null;
  }

  /** Same protocol names in the same order with the same metadata bytes. */
  boolean sameProtocols(List<JoinRequest.Protocol> other) {
    if (other.size() != protocols.size()) {
      return false;
    }
    for (int i = 0; i < other.size(); i++) {
      JoinRequest.Protocol a = protocols.get(i);
      JoinRequest.Protocol b = other.get(i);
      if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.metadata(), b.metadata())) {
        return false;
      }
    }
    return true;
  }
}
