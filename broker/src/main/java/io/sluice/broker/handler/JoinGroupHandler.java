package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.JoinRequest;
import io.sluice.broker.group.JoinResult;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * JoinGroup: answered when the member's place in a generation is settled, which may be a rebalance
 * timeout later; nothing waits on a thread meanwhile. v4+ gets the member-id handshake; v0 has no
 * rebalance timeout and uses the session timeout, as Kafka does.
 */
final class JoinGroupHandler extends VersionedHandler {
  private final GroupCoordinator coordinator;
  private final GroupOwnership owned;

  JoinGroupHandler(GroupCoordinator coordinator, GroupOwnership owned) {
    super(ApiKey.JOIN_GROUP, 0, 9);
    this.coordinator = coordinator;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    JoinGroupRequest req = JoinGroupRequest.read(request.reader(), version);
    Errors notOwned = owned.check(req.groupId());
    if (notOwned != Errors.NONE) {
      responder.respond(
          response(
              new JoinResult(notOwned, -1, null, null, "", req.memberId(), List.of(), false),
              version),
          version);
      return;
    }
    List<JoinRequest.Protocol> protocols = new ArrayList<>(req.protocols().size());
    for (JoinGroupRequest.JoinGroupRequestProtocol protocol : req.protocols()) {
      protocols.add(new JoinRequest.Protocol(protocol.name(), protocol.metadata()));
    }
    JoinRequest join =
        new JoinRequest(
            req.groupId(),
            req.memberId(),
            req.groupInstanceId(),
            request.clientId(),
            request.clientHost(),
            req.sessionTimeoutMs(),
            version == 0 ? req.sessionTimeoutMs() : req.rebalanceTimeoutMs(),
            req.protocolType(),
            protocols,
            version >= 4);
    coordinator
        .join(join)
        .whenComplete(
            (result, failure) ->
                responder.respond(
                    response(failure == null ? result : unknownError(req.memberId()), version),
                    version));
  }

  private static JoinResult unknownError(String memberId) {
    return new JoinResult(
        Errors.UNKNOWN_SERVER_ERROR, -1, null, null, "", memberId, List.of(), false);
  }

  static JoinGroupResponse response(JoinResult result, short version) {
    List<JoinGroupResponse.JoinGroupResponseMember> members =
        new ArrayList<>(result.members().size());
    for (JoinResult.JoinedMember member : result.members()) {
      members.add(
          new JoinGroupResponse.JoinGroupResponseMember()
              .setMemberId(member.memberId())
              .setGroupInstanceId(member.groupInstanceId())
              .setMetadata(member.metadata()));
    }
    // Before v7 the protocol name is not nullable: an error answer carries "".
    String protocolName = result.protocolName() == null && version < 7 ? "" : result.protocolName();
    return new JoinGroupResponse()
        .setErrorCode(result.error().code())
        .setGenerationId(result.generationId())
        .setProtocolType(result.protocolType())
        .setProtocolName(protocolName)
        .setLeader(result.leaderId() == null ? "" : result.leaderId())
        .setSkipAssignment(result.skipAssignment())
        .setMemberId(result.memberId())
        .setMembers(members);
  }
}
