package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole membership at the oldest version of every group API (v0: no member-id handshake, no
 * rebalance timeout, no tagged fields), then a MEMBER_ID_REQUIRED answer at v4 (whose protocol name
 * is not nullable): the handlers encode every version they advertise.
 */
class GroupOldVersionsIT {
  private static final String GROUP = "legacy";
  private static final byte[] METADATA = {0, 1, 2, 3};
  private static final byte[] ASSIGNMENT = {9, 8, 7};

  @TempDir Path dataDir;

  @Test
  @Timeout(60)
  void membership_atVersionZero_joinSyncHeartbeatDescribeListLeave() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of());
        GroupWire wire = new GroupWire(broker.broker().localAddress())) {
      JoinGroupResponse joined =
          wire.call(ApiKey.JOIN_GROUP, (short) 0, join(""), JoinGroupResponse::read);
      assertEquals(Errors.NONE.code(), joined.errorCode());
      assertEquals(1, joined.generationId());
      assertEquals(joined.memberId(), joined.leader());
      assertEquals("range", joined.protocolName());
      assertEquals(1, joined.members().size());
      assertArrayEquals(METADATA, joined.members().get(0).metadata());
      String member = joined.memberId();

      SyncGroupResponse synced =
          wire.call(
              ApiKey.SYNC_GROUP,
              (short) 0,
              new SyncGroupRequest()
                  .setGroupId(GROUP)
                  .setGenerationId(1)
                  .setMemberId(member)
                  .setAssignments(
                      List.of(
                          new SyncGroupRequest.SyncGroupRequestAssignment()
                              .setMemberId(member)
                              .setAssignment(ASSIGNMENT))),
              SyncGroupResponse::read);
      assertEquals(Errors.NONE.code(), synced.errorCode());
      assertArrayEquals(ASSIGNMENT, synced.assignment());

      HeartbeatResponse beat =
          wire.call(
              ApiKey.HEARTBEAT,
              (short) 0,
              new HeartbeatRequest().setGroupId(GROUP).setGenerationId(1).setMemberId(member),
              HeartbeatResponse::read);
      assertEquals(Errors.NONE.code(), beat.errorCode());

      DescribeGroupsResponse.DescribedGroup described =
          wire.call(
                  ApiKey.DESCRIBE_GROUPS,
                  (short) 0,
                  new DescribeGroupsRequest().setGroups(List.of(GROUP)),
                  DescribeGroupsResponse::read)
              .groups()
              .get(0);
      assertEquals("Stable", described.groupState());
      assertEquals("range", described.protocolData());
      assertArrayEquals(ASSIGNMENT, described.members().get(0).memberAssignment());
      assertArrayEquals(METADATA, described.members().get(0).memberMetadata());

      ListGroupsResponse listed =
          wire.call(
              ApiKey.LIST_GROUPS, (short) 0, new ListGroupsRequest(), ListGroupsResponse::read);
      assertEquals(1, listed.groups().size());
      assertEquals("consumer", listed.groups().get(0).protocolType());

      LeaveGroupResponse left =
          wire.call(
              ApiKey.LEAVE_GROUP,
              (short) 0,
              new LeaveGroupRequest().setGroupId(GROUP).setMemberId(member),
              LeaveGroupResponse::read);
      assertEquals(Errors.NONE.code(), left.errorCode());
      LeaveGroupResponse again =
          wire.call(
              ApiKey.LEAVE_GROUP,
              (short) 0,
              new LeaveGroupRequest().setGroupId(GROUP).setMemberId(member),
              LeaveGroupResponse::read);
      assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), again.errorCode());
    }
  }

  @Test
  @Timeout(60)
  void join_versionFourWithoutMemberId_memberIdRequiredWithEmptyProtocolName() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of());
        GroupWire wire = new GroupWire(broker.broker().localAddress())) {
      JoinGroupResponse first =
          wire.call(ApiKey.JOIN_GROUP, (short) 4, join(""), JoinGroupResponse::read);

      assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
      assertEquals("", first.protocolName());
      assertTrue(first.memberId().startsWith("raw-"), first.memberId());
      JoinGroupResponse second =
          wire.call(ApiKey.JOIN_GROUP, (short) 4, join(first.memberId()), JoinGroupResponse::read);
      assertEquals(Errors.NONE.code(), second.errorCode());
      assertEquals(first.memberId(), second.memberId());
    }
  }

  private static JoinGroupRequest join(String memberId) {
    return new JoinGroupRequest()
        .setGroupId(GROUP)
        .setSessionTimeoutMs(10_000)
        .setRebalanceTimeoutMs(10_000)
        .setMemberId(memberId)
        .setProtocolType("consumer")
        .setProtocols(
            List.of(
                new JoinGroupRequest.JoinGroupRequestProtocol()
                    .setName("range")
                    .setMetadata(METADATA)));
  }
}
