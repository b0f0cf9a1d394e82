package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.DELAY_MS;
import static io.sluice.broker.group.GroupHarness.GROUP;
import static io.sluice.broker.group.GroupHarness.REBALANCE_MS;
import static io.sluice.broker.group.GroupHarness.SESSION_MS;
import static io.sluice.broker.group.GroupHarness.done;
import static io.sluice.broker.group.GroupHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sluice.protocol.Errors;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Members leaving, timing out, failing to rejoin, and static members coming back. */
class MembershipTest {
  @RegisterExtension final GroupHarness harness = new GroupHarness();

  private List<JoinResult> stableGroup(int members) {
    List<JoinResult> joined = harness.formGroup(members);
    harness.syncAll(joined);
    return joined;
  }

  private CompletableFuture<JoinResult> rejoin(JoinResult member) {
    return harness.join(request(member.memberId(), null));
  }

  @Test
  void session_memberStopsHeartbeating_removedAndOthersRebalanceWithoutIt() {
    List<JoinResult> joined = stableGroup(3);
    JoinResult silent = joined.get(2);

    harness.clock.advance(SESSION_MS / 2);
    assertEquals(Errors.NONE, harness.heartbeat(joined.get(0)));
    assertEquals(Errors.NONE, harness.heartbeat(joined.get(1)));
    harness.clock.advance(SESSION_MS / 2);

    assertEquals(Errors.REBALANCE_IN_PROGRESS, harness.heartbeat(joined.get(0)));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, harness.heartbeat(silent));
    CompletableFuture<JoinResult> a = rejoin(joined.get(0));
    CompletableFuture<JoinResult> b = rejoin(joined.get(1));
    assertEquals(2, done(a).generationId());
    assertEquals(2, done(a).members().size());
    assertEquals(Errors.NONE, done(b).error());
  }

  @Test
  void session_heartbeatsEveryThird_noMemberEverRemoved() {
    List<JoinResult> joined = stableGroup(2);
    for (int i = 0; i < 30; i++) {
      harness.clock.advance(SESSION_MS / 3);
      joined.forEach(m -> assertEquals(Errors.NONE, harness.heartbeat(m)));
    }
    assertEquals(1, harness.coordinator.generation(GROUP));
    // One expiry check per member, however many heartbeats.
    assertEquals(2, harness.clock.pendingTasks());
  }

  @Test
  void session_leaderExpiresBeforeSyncing_waitingFollowerToldRebalanceInProgress() {
    List<JoinResult> joined = harness.formGroup(2);
    CompletableFuture<SyncResult> followerSync =
        harness.coordinator.sync(
            new SyncRequest(GROUP, 1, joined.get(1).memberId(), null, null, null, Map.of()));

    harness.clock.advance(SESSION_MS);

    assertEquals(Errors.REBALANCE_IN_PROGRESS, done(followerSync).error());
    CompletableFuture<JoinResult> alone = rejoin(joined.get(1));
    assertEquals(joined.get(1).memberId(), done(alone).leaderId());
    assertEquals(2, done(alone).generationId());
  }

  @Test
  void rebalanceTimeout_memberThatDoesNotRejoin_removedAndJoinCompletes() {
    List<JoinResult> joined = stableGroup(2);
    CompletableFuture<JoinResult> a = rejoin(joined.get(0));
    // The other keeps heartbeating (so no session expiry) but never rejoins.
    for (int t = 0; t < REBALANCE_MS; t += SESSION_MS / 2) {
      assertFalse(a.isDone());
      assertEquals(Errors.REBALANCE_IN_PROGRESS, harness.heartbeat(joined.get(1)));
      harness.clock.advance(SESSION_MS / 2);
    }

    assertEquals(2, done(a).generationId());
    assertEquals(1, done(a).members().size());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, harness.heartbeat(joined.get(1)));
  }

  @Test
  void leave_oneOfThree_othersRebalanceAtOnceWhenTheyRejoin() {
    List<JoinResult> joined = stableGroup(3);

    LeaveResult left =
        harness.coordinator.leave(
            GROUP, List.of(new MemberIdentity(joined.get(1).memberId(), null)));

    assertEquals(Errors.NONE, left.members().get(0).error());
    assertEquals(GroupState.PREPARING_REBALANCE, harness.coordinator.state(GROUP));
    CompletableFuture<JoinResult> a = rejoin(joined.get(0));
    assertFalse(a.isDone());
    CompletableFuture<JoinResult> c = rejoin(joined.get(2));
    assertEquals(2, done(a).members().size());
    assertEquals(2, done(c).generationId());
  }

  @Test
  void leave_lastMember_groupEmptyWithNextGeneration() {
    List<JoinResult> joined = stableGroup(1);

    harness.coordinator.leave(GROUP, List.of(new MemberIdentity(joined.get(0).memberId(), null)));
    harness.clock.runDue();

    assertEquals(GroupState.EMPTY, harness.coordinator.state(GROUP));
    assertEquals(2, harness.coordinator.generation(GROUP));
    assertEquals(
        Errors.NONE,
        harness.coordinator.validateOffsetCommit(GROUP, "", null, -1),
        "simple commit");
  }

  @Test
  void leave_unknownMembers_perMemberErrorsAndGroupUnchanged() {
    stableGroup(2);

    LeaveResult result =
        harness.coordinator.leave(
            GROUP,
            List.of(new MemberIdentity("ghost", null), new MemberIdentity("", "no-such-instance")));

    assertEquals(Errors.NONE, result.error());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, result.members().get(0).error());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, result.members().get(1).error());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(
        Errors.UNKNOWN_MEMBER_ID,
        harness
            .coordinator
            .leave("nope", List.of(new MemberIdentity("m", null)))
            .members()
            .get(0)
            .error());
  }

  @Test
  void pendingMember_neverComesBack_forgottenAfterSessionTimeout() {
    List<JoinResult> joined = stableGroup(1);
    harness.memberId();
    CompletableFuture<JoinResult> again = rejoin(joined.get(0));
    harness.clock.advance(SESSION_MS - 1);
    assertFalse(again.isDone(), "waits for the member id handed out");

    harness.clock.advance(1);

    assertEquals(2, done(again).generationId());
  }

  @Test
  void close_requestsWaiting_answeredNotCoordinator() {
    List<JoinResult> joined = stableGroup(2);
    CompletableFuture<JoinResult> waiting = rejoin(joined.get(0));
    assertFalse(waiting.isDone());

    harness.coordinator.close();

    assertEquals(Errors.NOT_COORDINATOR, done(waiting).error());
    assertEquals(GroupState.DEAD, harness.coordinator.state(GROUP));
    assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, harness.heartbeat(joined.get(1)));
    harness.restart();
  }

  private JoinResult joinStatic(String instanceId) {
    CompletableFuture<JoinResult> join = harness.join(request("", instanceId));
    harness.clock.advance(2 * DELAY_MS);
    return done(join);
  }

  @Test
  void staticMember_joinsWithoutHandshake_memberIdStartsWithInstanceId() {
    JoinResult result = joinStatic("host-1");
    assertEquals(Errors.NONE, result.error());
    assertEquals("host-1-", result.memberId().substring(0, 7));
  }

  @Test
  void staticMember_restartsInStableGroup_keepsAssignmentWithoutRebalance() {
    CompletableFuture<JoinResult> a = harness.join(request("", "host-a"));
    CompletableFuture<JoinResult> b = harness.join(request("", "host-b"));
    harness.clock.advance(2 * DELAY_MS);
    harness.syncAll(List.of(done(a), done(b)));

    CompletableFuture<JoinResult> restarted = harness.join(request("", "host-b"));
    harness.clock.runDue();

    JoinResult result = done(restarted);
    assertEquals(Errors.NONE, result.error());
    assertEquals(1, result.generationId(), "no rebalance");
    assertNotEquals(done(b).memberId(), result.memberId());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    SyncResult sync =
        done(
            harness.coordinator.sync(
                new SyncRequest(GROUP, 1, result.memberId(), "host-b", null, null, Map.of())));
    assertEquals("assignment-" + done(b).memberId(), new String(sync.assignment()));
    assertEquals(
        Errors.FENCED_INSTANCE_ID,
        harness.coordinator.heartbeat(GROUP, done(b).memberId(), "host-b", 1),
        "the old instance is fenced");
    assertEquals(Errors.NONE, harness.coordinator.heartbeat(GROUP, result.memberId(), "host-b", 1));
  }

  @Test
  void staticMember_leaderRestarts_answerNamesOldLeaderSoItDoesNotAssign() {
    JoinResult a = joinStatic("host-a");
    harness.syncAll(List.of(a));

    CompletableFuture<JoinResult> restarted = harness.join(request("", "host-a"));
    harness.clock.runDue();

    assertEquals(a.memberId(), done(restarted).leaderId());
    assertNotEquals(done(restarted).memberId(), done(restarted).leaderId());
    assertEquals(0, done(restarted).members().size());
  }

  @Test
  void staticMember_leavesByInstanceId_removedWithRebalance() {
    JoinResult a = joinStatic("host-a");
    harness.syncAll(List.of(a));

    LeaveResult wrongId =
        harness.coordinator.leave(GROUP, List.of(new MemberIdentity("other", "host-a")));
    LeaveResult left = harness.coordinator.leave(GROUP, List.of(new MemberIdentity("", "host-a")));
    harness.clock.runDue();

    assertEquals(Errors.FENCED_INSTANCE_ID, wrongId.members().get(0).error());
    assertEquals(Errors.NONE, left.members().get(0).error());
    assertEquals(GroupState.EMPTY, harness.coordinator.state(GROUP));
  }
}
