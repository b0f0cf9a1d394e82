package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.GROUP;
import static io.sluice.broker.group.GroupHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.Errors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OffsetCommitValidationTest {
  @RegisterExtension final GroupHarness harness = new GroupHarness();

  private Errors commit(String memberId, int generation) {
    return harness.coordinator.validateOffsetCommit(GROUP, memberId, null, generation);
  }

  @Test
  void commit_withoutMembershipToUnknownGroup_accepted() {
    assertEquals(Errors.NONE, commit("", -1));
  }

  @Test
  void commit_withGenerationToUnknownGroup_illegalGeneration() {
    assertEquals(Errors.ILLEGAL_GENERATION, commit("m", 3));
  }

  @Test
  void commit_emptyGroupId_invalidGroupId() {
    assertEquals(
        Errors.INVALID_GROUP_ID, harness.coordinator.validateOffsetCommit("", "", null, -1));
  }

  @Test
  void commit_memberOfStableGroup_acceptedOnlyForCurrentGeneration() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);
    String member = joined.get(1).memberId();

    assertEquals(Errors.NONE, commit(member, 1));
    assertEquals(Errors.ILLEGAL_GENERATION, commit(member, 0));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, commit("stranger", 1));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, commit("", -1), "no membership, non-empty group");
  }

  @Test
  void commit_completingRebalance_rebalanceInProgress() {
    List<JoinResult> joined = harness.formGroup(2);

    assertEquals(Errors.REBALANCE_IN_PROGRESS, commit(joined.get(0).memberId(), 1));
  }

  @Test
  void commit_preparingRebalance_acceptedForCurrentGeneration() {
    // Eager consumers commit in onPartitionsRevoked, after the rebalance started.
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);
    harness.join(request(harness.memberId(), null));

    assertEquals(GroupState.PREPARING_REBALANCE, harness.coordinator.state(GROUP));
    assertEquals(Errors.NONE, commit(joined.get(0).memberId(), 1));
  }

  @Test
  void commit_fencedStaticMember_fencedInstanceId() {
    var first = harness.join(request("", "host-a"));
    harness.clock.advance(2 * GroupHarness.DELAY_MS);
    harness.syncAll(List.of(GroupHarness.done(first)));
    harness.join(request("", "host-a"));
    harness.clock.runDue();

    assertEquals(
        Errors.FENCED_INSTANCE_ID,
        harness.coordinator.validateOffsetCommit(
            GROUP, GroupHarness.done(first).memberId(), "host-a", 1));
  }
}
