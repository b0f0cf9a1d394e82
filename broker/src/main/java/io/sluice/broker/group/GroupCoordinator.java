package io.sluice.broker.group;

import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of the classic consumer-group protocol: JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, ListGroups, DescribeGroups, and the generation check of OffsetCommit. Handlers call
 * it with decoded requests; answers that must wait (JoinGroup until the rebalance completes,
 * SyncGroup until the leader's assignment is stored) are futures, completed on a timer or writer
 * thread or on another connection's thread: nothing ever blocks waiting for them. Errors are
 * Kafka's codes in Kafka's order of checks, and a rejected request leaves its group unchanged.
 *
 * <p>Thread safety: all methods may be called from any thread. Each group has one lock (its {@link
 * Group} monitor); no method holds two, and futures are completed after the lock is released.
 * Timers run on the {@link Scheduler}, durable writes on the {@link GroupStore}'s writer. Groups
 * are created by JoinGroup; an empty group keeps its generation (and, in the offset store, its
 * offsets) until offset expiry removes its offsets and then the group ({@link #expireOffsets}), or
 * DeleteGroups deletes it.
 *
 * <p>Restart: each group's last settled generation is loaded from the store. A group that had
 * members is Stable again with the same members and assignments, each with a fresh session; the
 * members that reconnect and heartbeat carry on, the others time out and are rebalanced away.
 */
public final class GroupCoordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  private final Rebalancer rebalancer;
  private final Joiner joiner;
  private final Scheduler scheduler;
  private final GroupPersistence store;

  /** Takes ownership of {@code scheduler} and {@code store}: {@link #close} closes both. */
  public GroupCoordinator(GroupConfig config, Scheduler scheduler, GroupStore store) {
    this(config, scheduler, (GroupPersistence) store);
  }

  GroupCoordinator(GroupConfig config, Scheduler scheduler, GroupPersistence store) {
    this.scheduler = scheduler;
    this.store = store;
    this.rebalancer = new Rebalancer(config, scheduler, store);
    this.joiner = new Joiner(rebalancer);
    for (GroupSnapshot snapshot : store.groups()) {
      restore(snapshot);
    }
  }

  /** A coordinator keeping its groups in {@code dir}, with a timer thread of its own. */
  public static GroupCoordinator open(GroupConfig config, Path dir) {
    return new GroupCoordinator(config, new ExecutorScheduler(), GroupStore.open(dir));
  }

  /**
   * A cluster's coordinator: its groups live in the replicated offsets topic, loaded and unloaded
   * by {@code storage} as this broker gains and loses leadership of its partitions. Closing the
   * coordinator closes {@code storage}.
   */
  public static GroupCoordinator replicated(GroupConfig config, ReplicatedGroupStorage storage) {
    GroupCoordinator coordinator = new GroupCoordinator(config, new ExecutorScheduler(), storage);
    storage.attach(coordinator);
    return coordinator;
  }

  /** Restores a stored group: with members it is Stable again, each with a fresh session. */
  private void restore(GroupSnapshot snapshot) {
    Group group = Group.restore(snapshot);
    groups.put(group.groupId, group);
    rebalancer.run(
        group,
        () -> {
          for (Member member : group.members.values()) {
            rebalancer.touch(group, member);
          }
        });
  }

  /**
   * Takes over the groups of an offsets partition this broker now leads: any group of it still here
   * (created while it was loading) is dropped as on {@link #unload}, then each stored group is
   * restored as on a restart (a group with members is Stable, with fresh sessions).
   */
  void load(Collection<GroupSnapshot> loaded, Predicate<String> ofPartition) {
    unload(ofPartition);
    for (GroupSnapshot snapshot : loaded) {
      restore(snapshot);
    }
  }

  /**
   * Gives up the groups of an offsets partition this broker no longer leads: each is forgotten, its
   * waiting requests are answered {@code NOT_COORDINATOR} (clients look the coordinator up again)
   * and its timers are cancelled.
   */
  void unload(Predicate<String> ofPartition) {
    for (Group group : List.copyOf(groups.values())) {
      if (ofPartition.test(group.groupId) && groups.remove(group.groupId, group)) {
        rebalancer.run(group, () -> rebalancer.failAll(group, Errors.NOT_COORDINATOR));
      }
    }
  }

  /** JoinGroup; the future completes when the member's place in a generation is settled. */
  public CompletableFuture<JoinResult> join(JoinRequest request) {
    CompletableFuture<JoinResult> future = new CompletableFuture<>();
    Errors invalid = joiner.validate(request);
    if (invalid != null) {
      future.complete(JoinResult.error(invalid, request.memberId()));
      return future;
    }
    Group group =
        request.memberId().isEmpty()
            ? groups.computeIfAbsent(request.groupId(), Group::new)
            : groups.get(request.groupId());
    if (group == null) {
      future.complete(JoinResult.error(Errors.UNKNOWN_MEMBER_ID, request.memberId()));
      return future;
    }
    rebalancer.run(group, () -> joiner.join(group, request, future));
    return future;
  }

  /** SyncGroup; the future completes once the leader's assignment for the generation is stored. */
  public CompletableFuture<SyncResult> sync(SyncRequest request) {
    CompletableFuture<SyncResult> future = new CompletableFuture<>();
    Group group = groups.get(request.groupId());
    if (group == null) {
      future.complete(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
      return future;
    }
    rebalancer.run(group, () -> sync(group, request, future));
    return future;
  }

  private void sync(Group group, SyncRequest request, CompletableFuture<SyncResult> future) {
    Errors error =
        validateMember(
            group, request.memberId(), request.groupInstanceId(), request.generationId());
    if (error == Errors.NONE
        && ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
            || (request.protocolName() != null
                && !request.protocolName().equals(group.protocolName)))) {
      error = Errors.INCONSISTENT_GROUP_PROTOCOL;
    }
    if (error == Errors.NONE) {
      switch (group.state) {
        case EMPTY -> error = Errors.UNKNOWN_MEMBER_ID;
        case PREPARING_REBALANCE -> error = Errors.REBALANCE_IN_PROGRESS;
        case DEAD -> error = Errors.COORDINATOR_NOT_AVAILABLE;
        default -> {}
      }
    }
    if (error != Errors.NONE) {
      SyncResult result = SyncResult.error(error);
      group.defer(() -> future.complete(result));
      return;
    }
    Member member = group.member(request.memberId());
    rebalancer.touch(group, member);
    if (group.isIn(GroupState.STABLE)) {
      SyncResult result = rebalancer.syncResult(group, member);
      group.defer(() -> future.complete(result));
      return;
    }
    rebalancer.failSync(group, member, Errors.REBALANCE_IN_PROGRESS);
    member.awaitingSync = future;
    if (member.memberId.equals(group.leaderId) && !group.assignmentReceived) {
      group.assignmentReceived = true;
      for (Member each : group.members.values()) {
        byte[] assignment = request.assignments().get(each.memberId);
        each.assignment = assignment == null ? new byte[0] : assignment;
      }
      rebalancer.storeAssignment(group);
    }
  }

  /** Heartbeat: keeps the session alive and tells the member whether a rebalance is on. */
  public Errors heartbeat(
      String groupId, String memberId, String groupInstanceId, int generationId) {
    Group group = groups.get(groupId);
    if (group == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    return rebalancer.call(
        group,
        () -> {
          Errors error = validateMember(group, memberId, groupInstanceId, generationId);
          if (error != Errors.NONE) {
            return error;
          }
          rebalancer.touch(group, group.member(memberId));
          return switch (group.state) {
            case PREPARING_REBALANCE -> Errors.REBALANCE_IN_PROGRESS;
            case EMPTY -> Errors.UNKNOWN_MEMBER_ID;
            default -> Errors.NONE;
          };
        });
  }

  /** Kafka's member checks, in Kafka's order. Requires the group's lock. */
  private static Errors validateMember(
      Group group, String memberId, String groupInstanceId, int generationId) {
    if (group.isIn(GroupState.DEAD)) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    if (group.isStaticMemberFenced(memberId, groupInstanceId)) {
      return Errors.FENCED_INSTANCE_ID;
    }
    if (!group.has(memberId)) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (generationId != group.generationId) {
      return Errors.ILLEGAL_GENERATION;
    }
    return Errors.NONE;
  }

  /** LeaveGroup: removes the named members (answered per member) and rebalances the rest. */
  public LeaveResult leave(String groupId, List<MemberIdentity> leaving) {
    Group group = groups.get(groupId);
    if (group == null) {
      List<LeaveResult.MemberLeft> out = new ArrayList<>();
      for (MemberIdentity identity : leaving) {
        out.add(new LeaveResult.MemberLeft(identity, Errors.UNKNOWN_MEMBER_ID));
      }
      return new LeaveResult(Errors.NONE, out);
    }
    return rebalancer.call(group, () -> leave(group, leaving));
  }

  private LeaveResult leave(Group group, List<MemberIdentity> leaving) {
    if (group.isIn(GroupState.DEAD)) {
      return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
    }
    List<LeaveResult.MemberLeft> out = new ArrayList<>();
    for (MemberIdentity identity : leaving) {
      out.add(new LeaveResult.MemberLeft(identity, leaveOne(group, identity)));
    }
    return new LeaveResult(Errors.NONE, out);
  }

  private Errors leaveOne(Group group, MemberIdentity identity) {
    String memberId = identity.memberId();
    if (identity.groupInstanceId() != null) {
      String holder = group.staticMembers.get(identity.groupInstanceId());
      if (holder == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      if (!memberId.isEmpty() && !memberId.equals(holder)) {
        return Errors.FENCED_INSTANCE_ID;
      }
      memberId = holder;
    } else if (group.pendingMembers.remove(memberId)) {
      rebalancer.tryCompleteJoin(group);
      return Errors.NONE;
    }
    Member member = group.member(memberId);
    if (member == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    rebalancer.removeAndRebalance(group, member);
    return Errors.NONE;
  }

  /**
   * The generation check of OffsetCommit, as Kafka does it: commits without membership (generation
   * below 0, no member id) are accepted for groups without members; a member's commit must name the
   * current generation, and none is accepted while the generation's assignment is not settled.
   */
  public Errors validateOffsetCommit(
      String groupId, String memberId, String groupInstanceId, int generationId) {
    if (groupId == null || groupId.isEmpty()) {
      return Errors.INVALID_GROUP_ID;
    }
    Group group = groups.get(groupId);
    if (group == null) {
      return generationId < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }
    String member = memberId == null ? "" : memberId;
    return rebalancer.call(
        group,
        () -> {
          if (group.isIn(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
          }
          if (generationId >= 0 || !member.isEmpty() || groupInstanceId != null) {
            Errors error = validateMember(group, member, groupInstanceId, generationId);
            if (error != Errors.NONE) {
              return error;
            }
            if (group.isIn(GroupState.COMPLETING_REBALANCE)) {
              return Errors.REBALANCE_IN_PROGRESS;
            }
            rebalancer.touch(group, group.member(member));
            return Errors.NONE;
          }
          return group.members.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        });
  }

  /** ListGroups: every group this coordinator knows, in no particular order. */
  public List<GroupOverview> listGroups() {
    List<GroupOverview> out = new ArrayList<>(groups.size());
    for (Group group : groups.values()) {
      out.add(
          rebalancer.call(
              group,
              () ->
                  new GroupOverview(
                      group.groupId,
                      group.protocolType == null ? "" : group.protocolType,
                      group.state)));
    }
    return out;
  }

  /** DescribeGroups for one group; an unknown group is Dead with no members, as in Kafka. */
  public GroupDescription describe(String groupId) {
    Group group = groups.get(groupId);
    if (group == null) {
      return new GroupDescription(groupId, GroupState.DEAD, "", "", List.of());
    }
    return rebalancer.call(group, () -> describe(group));
  }

  private static GroupDescription describe(Group group) {
    boolean stable = group.isIn(GroupState.STABLE);
    List<GroupDescription.DescribedMember> members = new ArrayList<>();
    for (Member member : group.members.values()) {
      byte[] metadata = stable ? member.metadata(group.protocolName) : null;
      members.add(
          new GroupDescription.DescribedMember(
              member.memberId,
              member.groupInstanceId,
              member.clientId,
              member.clientHost,
              metadata == null ? new byte[0] : metadata,
              stable ? member.assignment : new byte[0]));
    }
    return new GroupDescription(
        group.groupId,
        group.state,
        group.protocolType == null ? "" : group.protocolType,
        stable ? group.protocolName : "",
        members);
  }

  /**
   * DeleteGroups for one group: a group with members is refused ({@code NON_EMPTY_GROUP}); an empty
   * one is forgotten (durably, before the future completes). {@code GROUP_ID_NOT_FOUND} when this
   * coordinator has no such group and {@code hasOffsets} is false.
   */
  public CompletableFuture<Errors> deleteGroup(String groupId, boolean hasOffsets) {
    Group group = groups.get(groupId);
    if (group == null) {
      return CompletableFuture.completedFuture(
          hasOffsets ? Errors.NONE : Errors.GROUP_ID_NOT_FOUND);
    }
    return rebalancer.call(
        group,
        () -> {
          if (!group.members.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
          }
          groups.remove(groupId, group);
          return store.remove(groupId).thenApply(v -> Errors.NONE);
        });
  }

  /**
   * What OffsetDelete may delete: the group-level error ({@code NON_EMPTY_GROUP} for a group with
   * members that is not a consumer group) and each member's subscription metadata of each protocol
   * (the consumer protocol's bytes: the caller decodes the topics whose offsets must stay). Null
   * when this coordinator has no such group.
   */
  public OffsetDeletion offsetDeletion(String groupId) {
    Group group = groups.get(groupId);
    if (group == null) {
      return null;
    }
    return rebalancer.call(
        group,
        () -> {
          if (group.members.isEmpty()) {
            return new OffsetDeletion(Errors.NONE, List.of());
          }
          if (!"consumer".equals(group.protocolType)) {
            return new OffsetDeletion(Errors.NON_EMPTY_GROUP, List.of());
          }
          List<byte[]> subscriptions = new ArrayList<>();
          for (Member member : group.members.values()) {
            for (JoinRequest.Protocol protocol : member.protocols) {
              subscriptions.add(protocol.metadata());
            }
          }
          return new OffsetDeletion(Errors.NONE, List.copyOf(subscriptions));
        });
  }

  /** The group-level answer of OffsetDelete and the members' subscriptions. */
  public record OffsetDeletion(Errors error, List<byte[]> subscriptions) {}

  /** The group's state, or null if unknown (for tests and tools). */
  public GroupState state(String groupId) {
    Group group = groups.get(groupId);
    return group == null ? null : rebalancer.call(group, () -> group.state);
  }

  /** The group's generation, or -1 if unknown. */
  public int generation(String groupId) {
    Group group = groups.get(groupId);
    return group == null ? -1 : rebalancer.call(group, () -> group.generationId);
  }

  /**
   * Expires committed offsets every {@code retention.checkIntervalMs()} on the coordinator's timer
   * thread, until {@link #close}: one {@link #expireOffsets} pass each time, with {@code wallClock}
   * for commit times.
   */
  public void expireOffsetsPeriodically(
      OffsetStore offsets, OffsetRetention retention, LongSupplier wallClock) {
    scheduler.schedule(
        retention.checkIntervalMs(),
        () -> {
          try {
            expireOffsets(offsets, retention.retentionMs(), wallClock.getAsLong());
          } catch (RuntimeException e) {
            log.warn("offset expiry failed; the next check tries again", e);
          } finally {
            expireOffsetsPeriodically(offsets, retention, wallClock);
          }
        });
  }

  /** What one expiry pass removed: committed offsets, and groups left Empty without any. */
  public record ExpiredOffsets(int offsets, int groups) {}

  /**
   * One pass of offset expiry ({@code offsets.retention.minutes}), with Kafka's rules since
   * KIP-211, over the groups this coordinator owns now:
   *
   * <ul>
   *   <li>a group with members keeps its offsets;
   *   <li>a group that had members and is Empty loses all of them once it has been Empty for {@code
   *       retentionMs} (measured on the coordinator's clock from when it became Empty);
   *   <li>a group that never had members (consumers that {@code assign()} and commit) loses each
   *       offset {@code retentionMs} after its commit time ({@code wallNowMs} against {@link
   *       CommittedOffsets.Committed#commitTimestamp});
   *   <li>then a group that is Empty, with no offsets left and no member id handed out, is removed,
   *       durably ({@link GroupPersistence#remove}).
   * </ul>
   *
   * Deletions go through {@link OffsetStore#delete}: the checkpoint file on a single node,
   * tombstones appended to {@code __consumer_offsets} in a cluster. A deletion that fails (the
   * partition moved meanwhile) is left to the next pass. Completes once every deletion has.
   */
  public CompletableFuture<ExpiredOffsets> expireOffsets(
      OffsetStore offsets, long retentionMs, long wallNowMs) {
    Set<String> ids = new TreeSet<>(offsets.groupIds());
    ids.addAll(groups.keySet());
    AtomicInteger expiredCount = new AtomicInteger();
    AtomicInteger removedCount = new AtomicInteger();
    List<CompletableFuture<Void>> work = new ArrayList<>();
    for (String groupId : ids) {
      if (offsets.ownership(groupId) != Errors.NONE) {
        continue;
      }
      Group group = groups.get(groupId);
      Map<TopicPartition, CommittedOffsets.Committed> committed = offsets.committed(groupId);
      Set<TopicPartition> expired =
          group == null
              ? expiredByCommitTime(committed, retentionMs, wallNowMs)
              : rebalancer.call(group, () -> expired(group, committed, retentionMs, wallNowMs));
      CompletableFuture<Void> deleted = CompletableFuture.completedFuture(null);
      if (!expired.isEmpty()) {
        log.info(
            "group {}: {} committed offset(s) expired (offsets.retention.minutes)",
            groupId,
            expired.size());
        deleted =
            offsets.delete(groupId, expired).thenRun(() -> expiredCount.addAndGet(expired.size()));
      }
      CompletableFuture<Void> done =
          group == null
              ? deleted
              : deleted
                  .thenCompose(v -> removeIfEmpty(group, offsets))
                  .thenAccept(
                      removed -> {
                        if (removed) {
                          removedCount.incrementAndGet();
                        }
                      });
      work.add(
          done.exceptionally(
              failure -> {
                log.info(
                    "group {}: offset expiry not done ({}); the next check retries",
                    groupId,
                    failure.getMessage());
                return null;
              }));
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture<?>[]::new))
        .thenApply(v -> new ExpiredOffsets(expiredCount.get(), removedCount.get()));
  }

  /** Under the group's lock: which of its offsets have expired. */
  private Set<TopicPartition> expired(
      Group group,
      Map<TopicPartition, CommittedOffsets.Committed> committed,
      long retentionMs,
      long wallNowMs) {
    if (!group.isIn(GroupState.EMPTY)) {
      return Set.of(); // members (KIP-496's unsubscribed topics are not expired early)
    }
    if (group.protocolType == null) {
      return expiredByCommitTime(committed, retentionMs, wallNowMs);
    }
    long now = scheduler.nowMs();
    if (group.emptySinceMs < 0) {
      group.emptySinceMs = now;
    }
    return now - group.emptySinceMs >= retentionMs ? Set.copyOf(committed.keySet()) : Set.of();
  }

  private static Set<TopicPartition> expiredByCommitTime(
      Map<TopicPartition, CommittedOffsets.Committed> committed, long retentionMs, long wallNowMs) {
    Set<TopicPartition> expired = new HashSet<>();
    committed.forEach(
        (tp, c) -> {
          if (c.commitTimestamp() >= 0 && wallNowMs - c.commitTimestamp() >= retentionMs) {
            expired.add(tp);
          }
        });
    return expired;
  }

  /**
   * Removes the group if it is (still) Empty, has no offsets and no pending member id. It is marked
   * Dead, so that a JoinGroup that found it just before is answered {@code
   * COORDINATOR_NOT_AVAILABLE} and retries on a new group.
   */
  private CompletableFuture<Boolean> removeIfEmpty(Group group, OffsetStore offsets) {
    return rebalancer.call(
        group,
        () -> {
          if (groups.get(group.groupId) != group
              || !group.isIn(GroupState.EMPTY)
              || !group.members.isEmpty()
              || !group.pendingMembers.isEmpty()
              || !offsets.committed(group.groupId).isEmpty()) {
            return CompletableFuture.completedFuture(false);
          }
          groups.remove(group.groupId, group);
          group.state = GroupState.DEAD;
          log.info("group {}: removed (Empty, no committed offsets left)", group.groupId);
          return store.remove(group.groupId).thenApply(v -> true);
        });
  }

  /** Checks every group's invariants (see {@link Group}); for tests. */
  void checkInvariants() {
    for (Group group : groups.values()) {
      rebalancer.run(group, group::checkInvariants);
    }
  }

  /**
   * Answers every waiting request with {@code NOT_COORDINATOR} (clients look the coordinator up
   * again), stops the timers, and writes what is not yet written.
   */
  @Override
  public void close() {
    scheduler.close();
    for (Group group : groups.values()) {
      rebalancer.run(group, () -> rebalancer.failAll(group, Errors.NOT_COORDINATOR));
    }
    store.close();
  }
}
