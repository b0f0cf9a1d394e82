package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.GroupDescription;
import io.sluice.broker.group.GroupState;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import java.util.List;

/**
 * DescribeGroups: state, protocol, and members (with metadata and assignment once Stable). A group
 * the coordinator does not know but that has committed offsets (consumers that {@code assign()} and
 * commit without joining) is Empty with no members, as in Kafka. Any other unknown group is Dead
 * with no members; from v6 it also carries {@code GROUP_ID_NOT_FOUND} (KIP-1043).
 */
final class DescribeGroupsHandler extends VersionedHandler {
  private final GroupCoordinator coordinator;
  private final OffsetStore offsets;
  private final GroupOwnership owned;

  DescribeGroupsHandler(GroupCoordinator coordinator, OffsetStore offsets, GroupOwnership owned) {
    super(ApiKey.DESCRIBE_GROUPS, 0, 6);
    this.coordinator = coordinator;
    this.offsets = offsets;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeGroupsRequest req = DescribeGroupsRequest.read(request.reader(), version);
    DescribeGroupsResponse response = new DescribeGroupsResponse();
    for (String groupId : req.groups()) {
      Errors refused = owned.refusal(request, groupId, AclOperation.DESCRIBE);
      if (refused != Errors.NONE) {
        response
            .groups()
            .add(
                new DescribeGroupsResponse.DescribedGroup()
                    .setGroupId(groupId)
                    .setErrorCode(refused.code())
                    .setGroupState("")
                    .setProtocolType("")
                    .setProtocolData(""));
        continue;
      }
      GroupDescription description = coordinator.describe(groupId);
      if (description.state() == GroupState.DEAD && !offsets.committed(groupId).isEmpty()) {
        // Kafka keeps such a group in its coordinator (created by the commit); here only the
        // offset store knows it, so it is described as the empty group Kafka would show.
        description = new GroupDescription(groupId, GroupState.EMPTY, "", "", List.of());
      }
      DescribeGroupsResponse.DescribedGroup out =
          new DescribeGroupsResponse.DescribedGroup()
              .setGroupId(groupId)
              .setGroupState(description.state().displayName())
              .setProtocolType(description.protocolType())
              .setProtocolData(description.protocolName());
      if (description.state() == GroupState.DEAD && version >= 6) {
        out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
            .setErrorMessage("Group " + groupId + " not found.");
      }
      for (GroupDescription.DescribedMember member : description.members()) {
        out.members()
            .add(
                new DescribeGroupsResponse.DescribedGroupMember()
                    .setMemberId(member.memberId())
                    .setGroupInstanceId(member.groupInstanceId())
                    .setClientId(member.clientId())
                    .setClientHost(member.clientHost())
                    .setMemberMetadata(member.metadata())
                    .setMemberAssignment(member.assignment()));
      }
      response.groups().add(out);
    }
    responder.respond(response, version);
  }
}
