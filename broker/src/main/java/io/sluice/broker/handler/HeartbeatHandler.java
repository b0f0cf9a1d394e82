package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;

/**
 * Heartbeat: answered at once; {@code REBALANCE_IN_PROGRESS} tells the member to rejoin, {@code
 * NOT_COORDINATOR} (the group's coordinator moved) to find the coordinator again.
 */
final class HeartbeatHandler extends VersionedHandler {
  private final GroupCoordinator coordinator;
  private final GroupOwnership owned;

  HeartbeatHandler(GroupCoordinator coordinator, GroupOwnership owned) {
    super(ApiKey.HEARTBEAT, 0, 4);
    this.coordinator = coordinator;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    HeartbeatRequest req = HeartbeatRequest.read(request.reader(), version);
    Errors notOwned = owned.check(req.groupId());
    if (notOwned != Errors.NONE) {
      responder.respond(new HeartbeatResponse().setErrorCode(notOwned.code()), version);
      return;
    }
    responder.respond(
        new HeartbeatResponse()
            .setErrorCode(
                coordinator
                    .heartbeat(
                        req.groupId(), req.memberId(), req.groupInstanceId(), req.generationId())
                    .code()),
        version);
  }
}
