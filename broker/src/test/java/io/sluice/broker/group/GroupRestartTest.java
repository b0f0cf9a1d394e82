package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.GROUP;
import static io.sluice.broker.group.GroupHarness.SESSION_MS;
import static io.sluice.broker.group.GroupHarness.done;
import static io.sluice.broker.group.GroupHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.Errors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a restart keeps: the last settled generation of every group. */
class GroupRestartTest {
  @RegisterExtension final GroupHarness harness = new GroupHarness();

  @Test
  void restart_stableGroup_membersCarryOnWithSameGenerationAndAssignments() {
    List<JoinResult> joined = harness.formGroup(3);
    harness.syncAll(joined);

    harness.restart();

    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(1, harness.coordinator.generation(GROUP));
    for (JoinResult member : joined) {
      assertEquals(Errors.NONE, harness.heartbeat(member));
      assertEquals(
          Errors.NONE, harness.coordinator.validateOffsetCommit(GROUP, member.memberId(), null, 1));
      SyncResult sync =
          done(
              harness.coordinator.sync(
                  new SyncRequest(GROUP, 1, member.memberId(), null, null, null, Map.of())));
      assertEquals("assignment-" + member.memberId(), new String(sync.assignment()));
      assertEquals("range", sync.protocolName());
    }
    GroupDescription description = harness.coordinator.describe(GROUP);
    assertEquals(joined.get(0).memberId(), description.members().get(0).memberId());
    assertEquals("client", description.members().get(0).clientId());
  }

  @Test
  void restart_memberThatNeverComesBack_expiresAndGroupRebalances() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);
    harness.restart();

    harness.clock.advance(SESSION_MS / 2);
    assertEquals(Errors.NONE, harness.heartbeat(joined.get(0)));
    harness.clock.advance(SESSION_MS / 2);

    assertEquals(Errors.REBALANCE_IN_PROGRESS, harness.heartbeat(joined.get(0)));
    var rejoin = harness.join(request(joined.get(0).memberId(), null));
    assertEquals(2, done(rejoin).generationId());
    assertEquals(1, done(rejoin).members().size());
  }

  @Test
  void restart_duringRebalance_lastStableGenerationRestored() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);
    harness.join(request(harness.memberId(), null));
    harness.join(request(joined.get(0).memberId(), null));
    harness.join(request(joined.get(1).memberId(), null));
    assertEquals(GroupState.COMPLETING_REBALANCE, harness.coordinator.state(GROUP));

    harness.restart();

    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
    assertEquals(1, harness.coordinator.generation(GROUP));
    assertEquals(2, harness.coordinator.describe(GROUP).members().size());
  }

  @Test
  void restart_emptyGroup_keepsGenerationAndProtocolType() {
    List<JoinResult> joined = harness.formGroup(1);
    harness.syncAll(joined);
    harness.coordinator.leave(GROUP, List.of(new MemberIdentity(joined.get(0).memberId(), null)));

    harness.restart();

    assertEquals(GroupState.EMPTY, harness.coordinator.state(GROUP));
    assertEquals(2, harness.coordinator.generation(GROUP));
    assertEquals("consumer", harness.coordinator.listGroups().get(0).protocolType());
    JoinResult next = harness.formGroup(1).get(0);
    assertEquals(3, next.generationId());
  }

  @Test
  void restart_staticMember_keepsInstanceMapping() {
    var join = harness.join(request("", "host-a"));
    harness.clock.advance(2 * GroupHarness.DELAY_MS);
    harness.syncAll(List.of(done(join)));

    harness.restart();
    var again = harness.join(request("", "host-a"));
    harness.clock.runDue();

    assertEquals(Errors.NONE, done(again).error());
    assertEquals(1, done(again).generationId());
    assertEquals(
        Errors.FENCED_INSTANCE_ID,
        harness.coordinator.heartbeat(GROUP, done(join).memberId(), "host-a", 1));
  }
}
