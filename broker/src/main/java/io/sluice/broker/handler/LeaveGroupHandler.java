package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.LeaveResult;
import io.sluice.broker.group.MemberIdentity;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * LeaveGroup: v0-2 name one member and get its error at the top level; v3+ name several (static
 * ones by instance id) and get one error each.
 */
final class LeaveGroupHandler extends VersionedHandler {
  private final GroupCoordinator coordinator;
  private final GroupOwnership owned;

  LeaveGroupHandler(GroupCoordinator coordinator, GroupOwnership owned) {
    super(ApiKey.LEAVE_GROUP, 0, 5);
    this.coordinator = coordinator;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    LeaveGroupRequest req = LeaveGroupRequest.read(request.reader(), version);
    Errors notOwned = owned.check(req.groupId());
    if (notOwned != Errors.NONE) {
      responder.respond(new LeaveGroupResponse().setErrorCode(notOwned.code()), version);
      return;
    }
    List<MemberIdentity> leaving = new ArrayList<>();
    if (version < 3) {
      leaving.add(new MemberIdentity(req.memberId(), null));
    } else {
      for (LeaveGroupRequest.MemberIdentity member : req.members()) {
        leaving.add(new MemberIdentity(member.memberId(), member.groupInstanceId()));
      }
    }
    LeaveResult result = coordinator.leave(req.groupId(), leaving);
    LeaveGroupResponse response = new LeaveGroupResponse();
    if (version < 3) {
      Errors error = result.error();
      if (error == Errors.NONE && !result.members().isEmpty()) {
        error = result.members().get(0).error();
      }
      response.setErrorCode(error.code());
    } else {
      response.setErrorCode(result.error().code());
      for (LeaveResult.MemberLeft left : result.members()) {
        response
            .members()
            .add(
                new LeaveGroupResponse.MemberResponse()
                    .setMemberId(left.member().memberId())
                    .setGroupInstanceId(left.member().groupInstanceId())
                    .setErrorCode(left.error().code()));
      }
    }
    responder.respond(response, version);
  }
}
