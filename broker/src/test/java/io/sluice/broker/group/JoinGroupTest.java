package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.DELAY_MS;
import static io.sluice.broker.group.GroupHarness.GROUP;
import static io.sluice.broker.group.GroupHarness.done;
import static io.sluice.broker.group.GroupHarness.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JoinGroupTest {
  @RegisterExtension final GroupHarness harness = new GroupHarness();

  @Test
  void join_newMemberWithoutId_memberIdRequiredAndNoMemberAdded() {
    JoinResult first = done(harness.join(request("", null)));

    assertEquals(Errors.MEMBER_ID_REQUIRED, first.error());
    assertEquals(-1, first.generationId());
    assertTrue(first.memberId().startsWith("client-"));
    assertEquals(GroupState.EMPTY, harness.coordinator.state(GROUP));
    assertEquals(0, harness.coordinator.describe(GROUP).members().size());
  }

  @Test
  void join_singleMember_completesAfterInitialDelayAsLeader() {
    String id = harness.memberId();
    CompletableFuture<JoinResult> join = harness.join(request(id, null));

    harness.clock.advance(DELAY_MS - 1);
    assertFalse(join.isDone());
    harness.clock.advance(1);

    JoinResult result = done(join);
    assertEquals(Errors.NONE, result.error());
    assertEquals(1, result.generationId());
    assertEquals(id, result.memberId());
    assertEquals(id, result.leaderId());
    assertEquals("consumer", result.protocolType());
    assertEquals("range", result.protocolName());
    assertEquals(1, result.members().size());
    assertArrayEquals(GroupHarness.bytes("range-meta-" + id), result.members().get(0).metadata());
    assertEquals(GroupState.COMPLETING_REBALANCE, harness.coordinator.state(GROUP));
  }

  @Test
  void join_noInitialDelay_completesAtOnce(@TempDir Path other) {
    try (GroupHarness noDelay =
        new GroupHarness(other, GroupConfig.defaults().withInitialRebalanceDelayMs(0))) {
      JoinResult result = done(noDelay.join(request(noDelay.memberId(), null)));
      assertEquals(Errors.NONE, result.error());
      assertEquals(1, result.generationId());
    }
  }

  @Test
  void join_threeMembersWithinDelay_formOneGenerationWithOneLeader() {
    List<JoinResult> joined = harness.formGroup(3);

    String leader = joined.get(0).leaderId();
    assertEquals(joined.get(0).memberId(), leader);
    for (JoinResult result : joined) {
      assertEquals(Errors.NONE, result.error());
      assertEquals(1, result.generationId());
      assertEquals(leader, result.leaderId());
      assertEquals(result.memberId().equals(leader) ? 3 : 0, result.members().size());
    }
  }

  @Test
  void join_membersKeepArriving_delayExtendedUpToRebalanceTimeout() {
    CompletableFuture<JoinResult> first = harness.join(request(harness.memberId(), null));
    // A new member every 40 ms keeps extending the 50 ms delay.
    for (int i = 0; i < 5; i++) {
      harness.clock.advance(40);
      harness.join(request(harness.memberId(), null));
      assertFalse(first.isDone(), "round " + i);
    }
    harness.clock.advance(DELAY_MS);
    harness.clock.advance(DELAY_MS);
    assertEquals(6, done(first).members().size());
    assertEquals(1, done(first).generationId());
  }

  @Test
  void join_protocolVote_choosesProtocolMostMembersPrefer() {
    CompletableFuture<JoinResult> a =
        harness.join(request(harness.memberId("x", "y"), null, "x", "y"));
    CompletableFuture<JoinResult> b =
        harness.join(request(harness.memberId("y", "x"), null, "y", "x"));
    CompletableFuture<JoinResult> c =
        harness.join(request(harness.memberId("y", "x"), null, "y", "x"));
    harness.clock.advance(2 * DELAY_MS);

    // Two of three put y first: it beats the leader's x.
    assertEquals("y", done(a).protocolName());
    assertEquals("y", done(b).protocolName());
    assertEquals("y", done(c).protocolName());
  }

  @Test
  void join_unknownProtocolType_inconsistentGroupProtocolAndGroupUnchanged() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);
    JoinRequest bogus = request(harness.memberId(), null);
    bogus =
        new JoinRequest(
            GROUP,
            bogus.memberId(),
            null,
            "client",
            "",
            bogus.sessionTimeoutMs(),
            bogus.rebalanceTimeoutMs(),
            "bogus",
            bogus.protocols(),
            true);

    JoinResult result = done(harness.join(bogus));

    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, result.error());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(1, harness.coordinator.generation(GROUP));
    assertEquals(2, harness.coordinator.describe(GROUP).members().size());
    assertEquals(Errors.NONE, harness.heartbeat(joined.get(1)));
  }

  @Test
  void join_protocolVote_onlyProtocolsAllSupportAreCandidates() {
    CompletableFuture<JoinResult> a =
        harness.join(request(harness.memberId("x", "y"), null, "x", "y"));
    CompletableFuture<JoinResult> b =
        harness.join(request(harness.memberId("z", "y"), null, "z", "y"));
    harness.clock.advance(2 * DELAY_MS);

    assertEquals("y", done(a).protocolName());
    assertEquals("y", done(b).protocolName());
  }

  @Test
  void join_noCommonProtocol_inconsistentGroupProtocol() {
    harness.syncAll(harness.formGroup(1));

    JoinResult result = done(harness.join(request(harness.memberId(), null, "other")));

    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, result.error());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
  }

  @Test
  void join_emptyProtocolType_inconsistentGroupProtocolAndNoGroupCreated() {
    JoinRequest r = request("", null);
    JoinRequest empty =
        new JoinRequest(
            "fresh", "", null, "c", "", r.sessionTimeoutMs(), 1, "", r.protocols(), true);

    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, done(harness.join(empty)).error());
    assertNull(harness.coordinator.state("fresh"));
  }

  @Test
  void join_oversizedMetadata_messageTooLargeAndGroupUnchanged() {
    List<JoinResult> joined = harness.formGroup(1);
    harness.syncAll(joined);
    byte[] huge = new byte[GroupConfig.DEFAULT_MAX_METADATA_BYTES + 1];
    JoinRequest r = request("", null);
    JoinRequest oversized =
        new JoinRequest(
            GROUP,
            "",
            null,
            "c",
            "",
            r.sessionTimeoutMs(),
            r.rebalanceTimeoutMs(),
            "consumer",
            List.of(new JoinRequest.Protocol("range", huge)),
            true);

    assertEquals(Errors.MESSAGE_TOO_LARGE, done(harness.join(oversized)).error());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(1, harness.coordinator.describe(GROUP).members().size());
  }

  @Test
  void join_sessionTimeoutOutOfRange_invalidSessionTimeout() {
    JoinRequest r = request("", null);
    for (int timeout : new int[] {5_999, 1_800_001}) {
      JoinRequest bad =
          new JoinRequest(GROUP, "", null, "c", "", timeout, 1, "consumer", r.protocols(), true);
      assertEquals(Errors.INVALID_SESSION_TIMEOUT, done(harness.join(bad)).error());
    }
    assertNull(harness.coordinator.state(GROUP));
  }

  @Test
  void join_emptyGroupId_invalidGroupId() {
    JoinRequest r = request("", null);
    JoinRequest bad =
        new JoinRequest("", "", null, "c", "", 10_000, 1, "consumer", r.protocols(), true);
    assertEquals(Errors.INVALID_GROUP_ID, done(harness.join(bad)).error());
  }

  @Test
  void join_unknownMemberId_unknownMemberIdAndGroupUnchanged() {
    harness.syncAll(harness.formGroup(1));

    assertEquals(Errors.UNKNOWN_MEMBER_ID, done(harness.join(request("nobody", null))).error());
    assertEquals(
        Errors.UNKNOWN_MEMBER_ID, done(harness.join(request("nobody", null))).error(), "again");
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(
        Errors.UNKNOWN_MEMBER_ID, done(harness.coordinator.join(request("x", null))).error());
  }

  @Test
  void join_groupFull_groupMaxSizeReachedAndMembersKept(@TempDir Path other) {
    try (GroupHarness small = new GroupHarness(other, GroupConfig.defaults().withMaxSize(2))) {
      List<JoinResult> joined = small.formGroup(2);
      small.syncAll(joined);

      JoinResult third = done(small.join(request("", null)));

      assertEquals(Errors.GROUP_MAX_SIZE_REACHED, third.error());
      assertEquals(GroupState.STABLE, small.coordinator.state(GROUP));
      assertEquals(2, small.coordinator.describe(GROUP).members().size());
    }
  }

  @Test
  void join_oldClientWithoutHandshake_joinsDirectly() {
    JoinRequest r = request("", null);
    JoinRequest v3 =
        new JoinRequest(
            GROUP, "", null, "old", "", 10_000, 10_000, "consumer", r.protocols(), false);

    CompletableFuture<JoinResult> join = harness.join(v3);
    harness.clock.advance(DELAY_MS);

    assertEquals(Errors.NONE, done(join).error());
    assertTrue(done(join).memberId().startsWith("old-"));
  }

  @Test
  void join_followerRejoinsStableGroupUnchanged_getsCurrentGenerationWithoutRebalance() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);
    JoinResult follower = joined.get(1);

    JoinResult again = done(harness.join(request(follower.memberId(), null)));

    assertEquals(Errors.NONE, again.error());
    assertEquals(1, again.generationId());
    assertEquals(0, again.members().size());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
  }

  @Test
  void join_newMemberInStableGroup_rebalanceAndOthersToldByHeartbeat() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);

    CompletableFuture<JoinResult> late = harness.join(request(harness.memberId(), null));

    assertEquals(GroupState.PREPARING_REBALANCE, harness.coordinator.state(GROUP));
    assertEquals(Errors.REBALANCE_IN_PROGRESS, harness.heartbeat(joined.get(0)));
    assertFalse(late.isDone());
    CompletableFuture<JoinResult> a = harness.join(request(joined.get(0).memberId(), null));
    CompletableFuture<JoinResult> b = harness.join(request(joined.get(1).memberId(), null));

    assertEquals(2, done(late).generationId());
    assertEquals(3, done(a).members().size(), "the leader stays the leader");
    assertEquals(joined.get(0).memberId(), done(b).leaderId());
    assertNotEquals(done(late).memberId(), done(late).leaderId());
  }
}
