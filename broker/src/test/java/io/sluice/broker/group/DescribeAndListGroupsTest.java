package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.GROUP;
import static io.sluice.broker.group.GroupHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DescribeAndListGroupsTest {
  @RegisterExtension final GroupHarness harness = new GroupHarness();

  @Test
  void describe_stableGroup_membersWithMetadataAndAssignment() {
    List<JoinResult> joined = harness.formGroup(2);
    harness.syncAll(joined);

    GroupDescription description = harness.coordinator.describe(GROUP);

    assertEquals(GroupState.STABLE, description.state());
    assertEquals("Stable", description.state().displayName());
    assertEquals("consumer", description.protocolType());
    assertEquals("range", description.protocolName());
    assertEquals(2, description.members().size());
    GroupDescription.DescribedMember first = description.members().get(0);
    assertEquals(joined.get(0).memberId(), first.memberId());
    assertEquals("/127.0.0.1", first.clientHost());
    assertArrayEquals(bytes("range-meta-" + first.memberId()), first.metadata());
    assertArrayEquals(bytes("assignment-" + first.memberId()), first.assignment());
  }

  @Test
  void describe_completingRebalance_noMetadataNoProtocol() {
    harness.formGroup(2);

    GroupDescription description = harness.coordinator.describe(GROUP);

    assertEquals(GroupState.COMPLETING_REBALANCE, description.state());
    assertEquals("", description.protocolName());
    assertEquals(0, description.members().get(0).metadata().length);
    assertEquals(0, description.members().get(0).assignment().length);
  }

  @Test
  void describe_unknownGroup_deadWithoutMembers() {
    GroupDescription description = harness.coordinator.describe("nope");
    assertEquals(GroupState.DEAD, description.state());
    assertEquals(0, description.members().size());
  }

  @Test
  void listGroups_twoGroups_eachWithStateAndType() {
    harness.syncAll(harness.formGroup(1));
    harness.coordinator.validateOffsetCommit("offsets-only", "", null, -1);

    List<GroupOverview> groups = harness.coordinator.listGroups();

    assertEquals(1, groups.size(), "a commit without membership creates no group here");
    assertEquals(new GroupOverview(GROUP, "consumer", GroupState.STABLE), groups.get(0));
  }

  @Test
  void groupState_forDisplayName_caseInsensitive() {
    assertEquals(GroupState.PREPARING_REBALANCE, GroupState.forDisplayName("preparingrebalance"));
    assertEquals(null, GroupState.forDisplayName("Bogus"));
  }
}
