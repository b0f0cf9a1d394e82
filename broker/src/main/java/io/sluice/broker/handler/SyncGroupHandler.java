package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.SyncRequest;
import io.sluice.broker.group.SyncResult;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * SyncGroup: a follower's waits for the leader's; every one is answered once the generation's
 * assignment is durable (or a rebalance overtakes it).
 */
final class SyncGroupHandler extends VersionedHandler {
  private final GroupCoordinator coordinator;
  private final GroupOwnership owned;

  SyncGroupHandler(GroupCoordinator coordinator, GroupOwnership owned) {
    super(ApiKey.SYNC_GROUP, 0, 5);
    this.coordinator = coordinator;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    SyncGroupRequest req = SyncGroupRequest.read(request.reader(), version);
    Errors notOwned = owned.check(req.groupId());
    if (notOwned != Errors.NONE) {
      responder.respond(
          new SyncGroupResponse().setErrorCode(notOwned.code()).setAssignment(new byte[0]),
          version);
      return;
    }
    Map<String, byte[]> assignments = new HashMap<>();
    for (SyncGroupRequest.SyncGroupRequestAssignment assignment : req.assignments()) {
      assignments.put(assignment.memberId(), assignment.assignment());
    }
    SyncRequest sync =
        new SyncRequest(
            req.groupId(),
            req.generationId(),
            req.memberId(),
            req.groupInstanceId(),
            req.protocolType(),
            req.protocolName(),
            assignments);
    coordinator
        .sync(sync)
        .whenComplete(
            (result, failure) -> {
              SyncResult answer =
                  failure == null
                      ? result
                      : new SyncResult(Errors.UNKNOWN_SERVER_ERROR, null, null, new byte[0]);
              responder.respond(
                  new SyncGroupResponse()
                      .setErrorCode(answer.error().code())
                      .setProtocolType(answer.protocolType())
                      .setProtocolName(answer.protocolName())
                      .setAssignment(answer.assignment()),
                  version);
            });
  }
}
