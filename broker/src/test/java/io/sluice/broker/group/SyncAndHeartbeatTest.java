package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.GROUP;
import static io.sluice.broker.group.GroupHarness.bytes;
import static io.sluice.broker.group.GroupHarness.done;
import static io.sluice.broker.group.GroupHarness.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SyncAndHeartbeatTest {
  @RegisterExtension final GroupHarness harness = new GroupHarness();
  List<JoinResult> joined;
  JoinResult leader;
  JoinResult follower;

  @BeforeEach
  void start() {
    joined = harness.formGroup(2);
    leader = joined.get(0);
    follower = joined.get(1);
  }

  private CompletableFuture<SyncResult> sync(JoinResult member, Map<String, byte[]> assignments) {
    return harness.coordinator.sync(
        new SyncRequest(
            GROUP,
            member.generationId(),
            member.memberId(),
            null,
            "consumer",
            "range",
            assignments));
  }

  private Map<String, byte[]> assignments() {
    return Map.of(
        leader.memberId(), bytes("p0,p1,p2"),
        follower.memberId(), bytes("p3,p4,p5"));
  }

  @Test
  void sync_followerFirst_waitsForLeaderThenGetsItsAssignment() {
    CompletableFuture<SyncResult> followerSync = sync(follower, Map.of());
    harness.clock.runDue();
    assertFalse(followerSync.isDone());

    CompletableFuture<SyncResult> leaderSync = sync(leader, assignments());
    harness.clock.runDue();

    assertArrayEquals(bytes("p3,p4,p5"), done(followerSync).assignment());
    assertArrayEquals(bytes("p0,p1,p2"), done(leaderSync).assignment());
    assertEquals("range", done(followerSync).protocolName());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
  }

  @Test
  void sync_leader_answeredOnlyOnceTheAssignmentIsDurable() {
    CompletableFuture<SyncResult> leaderSync = sync(leader, assignments());

    assertFalse(leaderSync.isDone());
    assertFalse(Files.exists(harness.dir.resolve(GroupStore.FILE_NAME)));
    assertEquals(GroupState.COMPLETING_REBALANCE, harness.coordinator.state(GROUP));
    harness.clock.runDue();

    assertTrue(Files.exists(harness.dir.resolve(GroupStore.FILE_NAME)));
    assertEquals(Errors.NONE, done(leaderSync).error());
  }

  @Test
  void sync_memberMissingFromAssignments_getsEmptyAssignment() {
    CompletableFuture<SyncResult> leaderSync =
        sync(leader, Map.of(leader.memberId(), bytes("all")));
    harness.clock.runDue();
    CompletableFuture<SyncResult> followerSync = sync(follower, Map.of());

    assertArrayEquals(bytes("all"), done(leaderSync).assignment());
    assertEquals(0, done(followerSync).assignment().length);
  }

  @Test
  void sync_staleGeneration_illegalGenerationAndGroupUnchanged() {
    CompletableFuture<SyncResult> stale =
        harness.coordinator.sync(
            new SyncRequest(GROUP, 0, follower.memberId(), null, null, null, Map.of()));

    assertEquals(Errors.ILLEGAL_GENERATION, done(stale).error());
    assertEquals(GroupState.COMPLETING_REBALANCE, harness.coordinator.state(GROUP));
    harness.syncAll(joined);
    assertEquals(1, harness.coordinator.generation(GROUP));
  }

  @Test
  void sync_unknownMember_unknownMemberIdAndGroupUnchanged() {
    CompletableFuture<SyncResult> stranger =
        harness.coordinator.sync(new SyncRequest(GROUP, 1, "stranger", null, null, null, Map.of()));

    assertEquals(Errors.UNKNOWN_MEMBER_ID, done(stranger).error());
    harness.syncAll(joined);
  }

  @Test
  void sync_wrongProtocolName_inconsistentGroupProtocol() {
    CompletableFuture<SyncResult> wrong =
        harness.coordinator.sync(
            new SyncRequest(GROUP, 1, follower.memberId(), null, "consumer", "sticky", Map.of()));

    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, done(wrong).error());
    harness.syncAll(joined);
  }

  @Test
  void sync_unknownGroup_unknownMemberId() {
    CompletableFuture<SyncResult> sync =
        harness.coordinator.sync(new SyncRequest("nope", 1, "m", null, null, null, Map.of()));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, done(sync).error());
  }

  @Test
  void sync_rebalanceStartsBeforeLeaderSyncs_waitingFollowerToldRebalanceInProgress() {
    CompletableFuture<SyncResult> followerSync = sync(follower, Map.of());

    harness.join(request(harness.memberId(), null));

    assertEquals(Errors.REBALANCE_IN_PROGRESS, done(followerSync).error());
    assertEquals(Errors.REBALANCE_IN_PROGRESS, done(sync(leader, assignments())).error());
  }

  @Test
  void sync_rebalanceStartsWhileAssignmentIsBeingStored_syncsToldRebalanceInProgress() {
    CompletableFuture<SyncResult> leaderSync = sync(leader, assignments());
    harness.join(request(harness.memberId(), null));
    harness.clock.runDue();

    assertEquals(Errors.REBALANCE_IN_PROGRESS, done(leaderSync).error());
    assertEquals(GroupState.PREPARING_REBALANCE, harness.coordinator.state(GROUP));
  }

  @Test
  void sync_storeFails_coordinatorNotAvailableAndGroupRebalances(@TempDir Path other)
      throws Exception {
    Path vanishing = Files.createDirectory(other.resolve("state"));
    try (GroupHarness failing = new GroupHarness(vanishing)) {
      List<JoinResult> members = failing.formGroup(2);
      CompletableFuture<SyncResult> followerSync =
          failing.coordinator.sync(
              new SyncRequest(GROUP, 1, members.get(1).memberId(), null, null, null, Map.of()));
      Files.delete(vanishing);

      CompletableFuture<SyncResult> leaderSync =
          failing.coordinator.sync(
              new SyncRequest(
                  GROUP,
                  1,
                  members.get(0).memberId(),
                  null,
                  null,
                  null,
                  Map.of(members.get(0).memberId(), bytes("x"))));
      failing.clock.runDue();

      assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, done(leaderSync).error());
      assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, done(followerSync).error());
      assertEquals(GroupState.PREPARING_REBALANCE, failing.coordinator.state(GROUP));
      Files.createDirectory(vanishing);
    }
  }

  @Test
  void heartbeat_stableMember_noneAndSessionExtended() {
    harness.syncAll(joined);
    for (int i = 0; i < 10; i++) {
      harness.clock.advance(GroupHarness.SESSION_MS / 2);
      assertEquals(Errors.NONE, harness.heartbeat(leader));
      assertEquals(Errors.NONE, harness.heartbeat(follower));
    }
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(1, harness.coordinator.generation(GROUP));
  }

  @Test
  void heartbeat_completingRebalance_none() {
    assertEquals(Errors.NONE, harness.heartbeat(follower));
  }

  @Test
  void heartbeat_unknownMember_unknownMemberIdAndGroupUnchanged() {
    harness.syncAll(joined);

    assertEquals(Errors.UNKNOWN_MEMBER_ID, harness.coordinator.heartbeat(GROUP, "ghost", null, 1));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, harness.coordinator.heartbeat("nope", "ghost", null, 1));

    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(Errors.NONE, harness.heartbeat(leader));
  }

  @Test
  void heartbeat_staleGeneration_illegalGeneration() {
    harness.syncAll(joined);
    assertEquals(
        Errors.ILLEGAL_GENERATION,
        harness.coordinator.heartbeat(GROUP, leader.memberId(), null, 0));
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
  }
}
