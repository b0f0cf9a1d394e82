package io.sluice.broker.group;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance machinery shared by every request and timer: sessions and their expiry, preparing
 * and completing a rebalance, the initial delay, the rebalance timeout, and storing a settled
 * generation.
 *
 * <p>Implementation notes: every method whose name does not start with {@code run} or {@code call}
 * requires the group's lock. Timers hold no lock while they wait; when one fires it takes the lock
 * and first checks that it still matters: a member timer checks that the member is still the same
 * object in the group, a join timer that the group's {@code rebalanceEpoch} has not moved on.
 * Sessions are checked lazily: a heartbeat only moves the deadline, and the one pending check per
 * member re-arms itself for the remainder, so heartbeats schedule nothing.
 */
final class Rebalancer {
  private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

  private final GroupConfig config;
  private final Scheduler scheduler;
  private final GroupPersistence store;

  Rebalancer(GroupConfig config, Scheduler scheduler, GroupPersistence store) {
    this.config = config;
    this.scheduler = scheduler;
    this.store = store;
  }

  GroupConfig config() {
    return config;
  }

  /** Runs {@code action} under the group's lock, then what it deferred, without the lock. */
  void run(Group group, Runnable action) {
    call(
        group,
        () -> {
          action.run();
          return null;
        });
  }

  /** Like {@link #run}, returning the action's value. */
  <T> T call(Group group, Supplier<T> action) {
    T result;
    List<Runnable> deferred;
    synchronized (group) {
      result = action.get();
      deferred = group.drainDeferred();
    }
    for (Runnable runnable : deferred) {
      runnable.run();
    }
    return result;
  }

  /** Pushes the member's session deadline back; any valid request from it counts. */
  void touch(Group group, Member member) {
    member.sessionDeadlineMs = scheduler.nowMs() + member.sessionTimeoutMs;
    if (member.expiryTimer == null) {
      scheduleExpiryCheck(group, member, member.sessionTimeoutMs);
    }
  }

  private void scheduleExpiryCheck(Group group, Member member, long delayMs) {
    member.expiryTimer =
        scheduler.schedule(delayMs, () -> run(group, () -> checkExpiry(group, member)));
  }

  private void checkExpiry(Group group, Member member) {
    if (group.member(member.memberId) != member) {
      return;
    }
    member.expiryTimer = null;
    long now = scheduler.nowMs();
    if (member.isAwaitingJoin() || member.isAwaitingSync()) {
      // A request parked here is proof of life; the rebalance timeout bounds how long it waits.
      member.sessionDeadlineMs = now + member.sessionTimeoutMs;
    }
    if (now < member.sessionDeadlineMs) {
      scheduleExpiryCheck(group, member, member.sessionDeadlineMs - now);
      return;
    }
    log.info(
        "group {}: member {} missed its {} ms session timeout, removing it",
        group.groupId,
        member.memberId,
        member.sessionTimeoutMs);
    removeAndRebalance(group, member);
  }

  /** Forgets a member id handed out with MEMBER_ID_REQUIRED if it has not come back in time. */
  void schedulePendingExpiry(Group group, String memberId, int sessionTimeoutMs) {
    scheduler.schedule(
        sessionTimeoutMs,
        () ->
            run(
                group,
                () -> {
                  if (group.pendingMembers.remove(memberId)) {
                    tryCompleteJoin(group);
                  }
                }));
  }

  /** Removes the member, answers its waiting requests, and rebalances the rest. */
  void removeAndRebalance(Group group, Member member) {
    remove(group, member);
    switch (group.state) {
      case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "member left");
      case PREPARING_REBALANCE -> tryCompleteJoin(group);
      default -> {}
    }
  }

  private void remove(Group group, Member member) {
    group.remove(member.memberId);
    if (member.expiryTimer != null) {
      member.expiryTimer.cancel();
      member.expiryTimer = null;
    }
    failJoin(group, member, Errors.UNKNOWN_MEMBER_ID);
    failSync(group, member, Errors.UNKNOWN_MEMBER_ID);
  }

  void failJoin(Group group, Member member, Errors error) {
    CompletableFuture<JoinResult> waiting = member.awaitingJoin;
    if (waiting != null) {
      member.awaitingJoin = null;
      JoinResult result = JoinResult.error(error, member.memberId);
      group.defer(() -> waiting.complete(result));
    }
  }

  void failSync(Group group, Member member, Errors error) {
    CompletableFuture<SyncResult> waiting = member.awaitingSync;
    if (waiting != null) {
      member.awaitingSync = null;
      group.defer(() -> waiting.complete(SyncResult.error(error)));
    }
  }

  /**
   * Starts a rebalance: waiting SyncGroups learn that it is coming, members are given until the
   * rebalance timeout (the largest of theirs) to rejoin. A group coming out of Empty first waits
   * the initial delay, extended while new members keep arriving.
   */
  void prepareRebalance(Group group, String reason) {
    if (group.isIn(GroupState.COMPLETING_REBALANCE)) {
      for (Member member : group.members.values()) {
        failSync(group, member, Errors.REBALANCE_IN_PROGRESS);
        member.assignment = new byte[0];
      }
    }
    boolean fromEmpty = group.isIn(GroupState.EMPTY);
    group.state = GroupState.PREPARING_REBALANCE;
    group.assignmentReceived = false;
    int epoch = ++group.rebalanceEpoch;
    cancelJoinTimer(group);
    log.info(
        "group {}: preparing to rebalance generation {} ({})",
        group.groupId,
        group.generationId,
        reason);
    int delay = config.initialRebalanceDelayMs();
    if (fromEmpty && delay > 0) {
      group.initialDelayActive = true;
      group.newMemberAddedDuringDelay = false;
      group.initialDelayRemainingMs = Math.max(group.maxRebalanceTimeoutMs() - delay, 0);
      group.joinTimer =
          scheduler.schedule(delay, () -> run(group, () -> onInitialDelay(group, epoch)));
      return;
    }
    group.joinTimer =
        scheduler.schedule(
            group.maxRebalanceTimeoutMs(),
            () -> run(group, () -> onRebalanceTimeout(group, epoch)));
    tryCompleteJoin(group);
  }

  private void onInitialDelay(Group group, int epoch) {
    if (epoch != group.rebalanceEpoch || !group.initialDelayActive) {
      return;
    }
    if (group.newMemberAddedDuringDelay && group.initialDelayRemainingMs > 0) {
      int configured = config.initialRebalanceDelayMs();
      long delay = Math.min(configured, group.initialDelayRemainingMs);
      group.initialDelayRemainingMs = Math.max(group.initialDelayRemainingMs - configured, 0);
      group.newMemberAddedDuringDelay = false;
      group.joinTimer =
          scheduler.schedule(delay, () -> run(group, () -> onInitialDelay(group, epoch)));
      return;
    }
    group.initialDelayActive = false;
    completeJoin(group);
  }

  private void onRebalanceTimeout(Group group, int epoch) {
    if (epoch != group.rebalanceEpoch || !group.isIn(GroupState.PREPARING_REBALANCE)) {
      return;
    }
    completeJoin(group);
  }

  /** Completes the join phase if every member rejoined and no initial delay is running. */
  void tryCompleteJoin(Group group) {
    if (group.isIn(GroupState.PREPARING_REBALANCE)
        && !group.initialDelayActive
        && group.allMembersJoined()) {
      completeJoin(group);
    }
  }

  /**
   * Ends the join phase: members that did not rejoin are removed, the generation advances, the
   * protocol is chosen, and every waiting JoinGroup is answered (the leader with all members).
   */
  private void completeJoin(Group group) {
    cancelJoinTimer(group);
    group.rebalanceEpoch++;
    group.initialDelayActive = false;
    for (Member member : new ArrayList<>(group.members.values())) {
      if (!member.isAwaitingJoin()) {
        log.info(
            "group {}: member {} did not rejoin in time, removing it",
            group.groupId,
            member.memberId);
        remove(group, member);
      }
    }
    group.generationId++;
    if (group.members.isEmpty()) {
      group.state = GroupState.EMPTY;
      group.emptySinceMs = scheduler.nowMs();
      group.protocolName = null;
      group.leaderId = null;
      log.info("group {}: generation {} is empty", group.groupId, group.generationId);
      GroupSnapshot snapshot = group.snapshot();
      store.save(snapshot).whenComplete((ignored, error) -> logStoreFailure(group, error));
      return;
    }
    group.state = GroupState.COMPLETING_REBALANCE;
    group.assignmentReceived = false;
    group.protocolName = group.selectProtocol();
    List<JoinResult.JoinedMember> all = joinedMembers(group);
    for (Member member : group.members.values()) {
      member.assignment = new byte[0];
      CompletableFuture<JoinResult> waiting = member.awaitingJoin;
      member.awaitingJoin = null;
      touch(group, member);
      JoinResult result = currentJoinResult(group, member, all);
      group.defer(() -> waiting.complete(result));
    }
    log.info(
        "group {}: generation {} formed with {} members, protocol {}, leader {}",
        group.groupId,
        group.generationId,
        group.members.size(),
        group.protocolName,
        group.leaderId);
  }

  /** The current generation as {@code member} should see it: the leader gets all members. */
  JoinResult currentJoinResult(Group group, Member member, List<JoinResult.JoinedMember> all) {
    boolean leader = member.memberId.equals(group.leaderId);
    return new JoinResult(
        Errors.NONE,
        group.generationId,
        group.protocolType,
        group.protocolName,
        group.leaderId,
        member.memberId,
        leader ? all : List.of(),
        false);
  }

  /** Members and their metadata for the selected protocol, for the leader's JoinGroup answer. */
  List<JoinResult.JoinedMember> joinedMembers(Group group) {
    List<JoinResult.JoinedMember> all = new ArrayList<>(group.members.size());
    for (Member member : group.members.values()) {
      all.add(
          new JoinResult.JoinedMember(
              member.memberId, member.groupInstanceId, member.metadata(group.protocolName)));
    }
    return all;
  }

  /**
   * The leader's assignments arrived: store the generation, then (once durable) make it Stable and
   * answer every waiting SyncGroup. A rebalance that starts meanwhile wins.
   */
  void storeAssignment(Group group) {
    int generation = group.generationId;
    CompletableFuture<Void> stored = store.save(group.snapshot());
    // Attached after the lock is released: a write that is already done must not call back in.
    group.defer(
        () ->
            stored.whenComplete(
                (ignored, error) ->
                    run(group, () -> onAssignmentStored(group, generation, error))));
  }

  private void onAssignmentStored(Group group, int generation, Throwable error) {
    if (group.generationId != generation || !group.isIn(GroupState.COMPLETING_REBALANCE)) {
      return;
    }
    if (error != null) {
      logStoreFailure(group, error);
      for (Member member : group.members.values()) {
        failSync(group, member, Errors.COORDINATOR_NOT_AVAILABLE);
      }
      prepareRebalance(group, "storing the assignment failed");
      return;
    }
    group.state = GroupState.STABLE;
    for (Member member : group.members.values()) {
      CompletableFuture<SyncResult> waiting = member.awaitingSync;
      if (waiting != null) {
        member.awaitingSync = null;
        SyncResult result = syncResult(group, member);
        group.defer(() -> waiting.complete(result));
      }
    }
    log.info("group {}: generation {} is stable", group.groupId, generation);
  }

  SyncResult syncResult(Group group, Member member) {
    return new SyncResult(Errors.NONE, group.protocolType, group.protocolName, member.assignment);
  }

  /** Answers every waiting request of the group with {@code error}; for shutdown. */
  void failAll(Group group, Errors error) {
    cancelJoinTimer(group);
    for (Member member : group.members.values()) {
      failJoin(group, member, error);
      failSync(group, member, error);
      if (member.expiryTimer != null) {
        member.expiryTimer.cancel();
        member.expiryTimer = null;
      }
    }
    group.state = GroupState.DEAD;
  }

  CompletableFuture<Void> save(Group group) {
    return store.save(group.snapshot());
  }

  private static void cancelJoinTimer(Group group) {
    if (group.joinTimer != null) {
      group.joinTimer.cancel();
      group.joinTimer = null;
    }
  }

  private static void logStoreFailure(Group group, Throwable error) {
    if (error == null) {
      return;
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof SluiceException refused && refused.error() == Errors.NOT_COORDINATOR) {
      // A cluster's coordinator lost its offsets partition meanwhile: the new one takes over.
      log.info("group {}: not stored, {}", group.groupId, refused.getMessage());
      return;
    }
    log.error("group {}: storing group metadata failed", group.groupId, error);
  }
}
