package io.sluice.broker.group;

import io.sluice.protocol.Errors;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup: new members (with the KIP-394 member-id handshake), known members rejoining, and
 * static members ({@code group.instance.id}) coming back under a new member id. Every method
 * requires the group's lock; answers are deferred (see {@link Group}).
 */
final class Joiner {
  private static final Logger log = LoggerFactory.getLogger(Joiner.class);

  private final Rebalancer rebalancer;

  Joiner(Rebalancer rebalancer) {
    this.rebalancer = rebalancer;
  }

  /** The checks that need no group; null when the request passes them. */
  Errors validate(JoinRequest request) {
    GroupConfig config = rebalancer.config();
    if (request.groupId() == null || request.groupId().isEmpty()) {
      return Errors.INVALID_GROUP_ID;
    }
    if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
        || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
      return Errors.INVALID_SESSION_TIMEOUT;
    }
    if (request.metadataBytes() > config.maxMetadataBytes()) {
      return Errors.MESSAGE_TOO_LARGE;
    }
    if (request.protocolType() == null
        || request.protocolType().isEmpty()
        || request.protocols().isEmpty()) {
      return Errors.INCONSISTENT_GROUP_PROTOCOL;
    }
    return null;
  }

  void join(Group group, JoinRequest request, CompletableFuture<JoinResult> future) {
    if (group.isIn(GroupState.DEAD)) {
      answer(group, future, JoinResult.error(Errors.COORDINATOR_NOT_AVAILABLE, request.memberId()));
    } else if (!group.supportsProtocols(request.protocolType(), request.protocols())) {
      answer(
          group, future, JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId()));
    } else if (request.memberId().isEmpty()) {
      joinWithoutMemberId(group, request, future);
    } else {
      joinWithMemberId(group, request, future);
    }
  }

  private void joinWithoutMemberId(
      Group group, JoinRequest request, CompletableFuture<JoinResult> future) {
    String instanceId = request.groupInstanceId();
    if (instanceId != null && group.staticMembers.containsKey(instanceId)) {
      String newMemberId = instanceId + "-" + UUID.randomUUID();
      replaceStaticMember(group, request, newMemberId, future);
      return;
    }
    if (isFull(group, group.members.size() + group.pendingMembers.size())) {
      answer(group, future, JoinResult.error(Errors.GROUP_MAX_SIZE_REACHED, ""));
      return;
    }
    if (instanceId != null) {
      addAndRebalance(group, request, instanceId + "-" + UUID.randomUUID(), future);
    } else if (request.requireKnownMemberId()) {
      String memberId = request.clientId() + "-" + UUID.randomUUID();
      group.pendingMembers.add(memberId);
      rebalancer.schedulePendingExpiry(group, memberId, request.sessionTimeoutMs());
      answer(group, future, JoinResult.error(Errors.MEMBER_ID_REQUIRED, memberId));
    } else {
      addAndRebalance(group, request, request.clientId() + "-" + UUID.randomUUID(), future);
    }
  }

  private void joinWithMemberId(
      Group group, JoinRequest request, CompletableFuture<JoinResult> future) {
    String memberId = request.memberId();
    if (group.pendingMembers.remove(memberId)) {
      if (isFull(group, group.members.size())) {
        answer(group, future, JoinResult.error(Errors.GROUP_MAX_SIZE_REACHED, memberId));
      } else {
        addAndRebalance(group, request, memberId, future);
      }
      return;
    }
    if (group.isStaticMemberFenced(memberId, request.groupInstanceId())) {
      answer(group, future, JoinResult.error(Errors.FENCED_INSTANCE_ID, memberId));
      return;
    }
    Member member = group.member(memberId);
    if (member == null) {
      answer(group, future, JoinResult.error(Errors.UNKNOWN_MEMBER_ID, memberId));
      return;
    }
    rebalancer.touch(group, member);
    switch (group.state) {
      case PREPARING_REBALANCE -> updateAndRebalance(group, member, request, future);
      case COMPLETING_REBALANCE -> {
        if (member.sameProtocols(request.protocols())) {
          // It lost the JoinGroup answer of this generation: give it again.
          answer(
              group,
              future,
              rebalancer.currentJoinResult(group, member, rebalancer.joinedMembers(group)));
        } else {
          updateAndRebalance(group, member, request, future);
        }
      }
      case STABLE -> {
        if (member.memberId.equals(group.leaderId) || !member.sameProtocols(request.protocols())) {
          // The leader rejoining asks for a new assignment (for example, topics changed).
          updateAndRebalance(group, member, request, future);
        } else {
          answer(group, future, rebalancer.currentJoinResult(group, member, List.of()));
        }
      }
      default -> answer(group, future, JoinResult.error(Errors.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private void addAndRebalance(
      Group group, JoinRequest request, String memberId, CompletableFuture<JoinResult> future) {
    Member member =
        new Member(
            memberId,
            request.groupInstanceId(),
            request.clientId(),
            request.clientHost(),
            request.sessionTimeoutMs(),
            request.rebalanceTimeoutMs(),
            request.protocols());
    member.awaitingJoin = future;
    if (group.members.isEmpty()) {
      group.protocolType = request.protocolType();
    }
    group.add(member);
    rebalancer.touch(group, member);
    if (group.initialDelayActive) {
      group.newMemberAddedDuringDelay = true;
    }
    if (group.isIn(GroupState.PREPARING_REBALANCE)) {
      rebalancer.tryCompleteJoin(group);
    } else {
      rebalancer.prepareRebalance(group, "member " + memberId + " joined");
    }
  }

  private void updateAndRebalance(
      Group group, Member member, JoinRequest request, CompletableFuture<JoinResult> future) {
    // A second JoinGroup while the first still waits: the client gave up on the first one.
    rebalancer.failJoin(group, member, Errors.REBALANCE_IN_PROGRESS);
    member.protocols = request.protocols();
    member.clientId = request.clientId();
    member.clientHost = request.clientHost();
    member.sessionTimeoutMs = request.sessionTimeoutMs();
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
    member.awaitingJoin = future;
    if (group.isIn(GroupState.PREPARING_REBALANCE)) {
      rebalancer.tryCompleteJoin(group);
    } else {
      rebalancer.prepareRebalance(group, "member " + member.memberId + " rejoined");
    }
  }

  /**
   * A static member came back without its member id (it restarted): the new id takes the old one's
   * place and the old one is fenced. In a Stable group with unchanged protocols nothing needs
   * reassigning, so there is no rebalance: the member gets its old assignment at SyncGroup. The
   * answer names the old leader id so that a returning leader does not compute an assignment that a
   * Stable group would never hand out.
   */
  private void replaceStaticMember(
      Group group, JoinRequest request, String newMemberId, CompletableFuture<JoinResult> future) {
    Member old = group.member(group.staticMembers.get(request.groupInstanceId()));
    String oldLeader = group.leaderId;
    boolean unchanged = old.sameProtocols(request.protocols());
    rebalancer.failJoin(group, old, Errors.FENCED_INSTANCE_ID);
    rebalancer.failSync(group, old, Errors.FENCED_INSTANCE_ID);
    if (old.expiryTimer != null) {
      old.expiryTimer.cancel();
      old.expiryTimer = null;
    }
    Member replacement = group.replaceStatic(old, newMemberId);
    log.info(
        "group {}: static member {} replaced {} with {}",
        group.groupId,
        request.groupInstanceId(),
        old.memberId,
        newMemberId);
    if (group.isIn(GroupState.STABLE) && unchanged) {
      rebalancer.touch(group, replacement);
      JoinResult result =
          new JoinResult(
              Errors.NONE,
              group.generationId,
              group.protocolType,
              group.protocolName,
              oldLeader,
              newMemberId,
              List.of(),
              false);
      CompletableFuture<Void> stored = rebalancer.save(group);
      group.defer(
          () ->
              stored.whenComplete(
                  (ignored, error) ->
                      future.complete(
                          error == null
                              ? result
                              : JoinResult.error(Errors.COORDINATOR_NOT_AVAILABLE, newMemberId))));
      return;
    }
    rebalancer.touch(group, replacement);
    updateAndRebalance(group, replacement, request, future);
  }

  private boolean isFull(Group group, int size) {
    return size >= rebalancer.config().maxSize();
  }

  private static void answer(Group group, CompletableFuture<JoinResult> future, JoinResult result) {
    group.defer(() -> future.complete(result));
  }
}
