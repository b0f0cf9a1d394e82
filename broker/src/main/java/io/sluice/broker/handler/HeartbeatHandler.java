package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;

/** Heartbeat: answered at once; {@code REBALANCE_IN_PROGRESS} tells the member to rejoin. */
final class HeartbeatHandler extends VersionedHandler {
  private final GroupCoordinator coordinator;

  HeartbeatHandler(GroupCoordinator coordinator) {
    super(ApiKey.HEARTBEAT, 0, 4);
    this.coordinator = coordinator;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    HeartbeatRequest req = HeartbeatRequest.read(request.reader(), version);
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
