package io.sluice.broker.handler;

import io.sluice.broker.metadata.BrokerAddress;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * This broker coordinates every group: the answer is this broker's address as {@link
 * ClusterMetadata} lists it. Transaction coordinators (key type 1) do not exist: {@code
 * COORDINATOR_NOT_AVAILABLE}.
 */
final class FindCoordinatorHandler extends VersionedHandler {
  private static final byte GROUP = 0;

  private final ClusterMetadata metadata;

  FindCoordinatorHandler(ClusterMetadata metadata) {
    super(ApiKey.FIND_COORDINATOR, 0, 6);
    this.metadata = metadata;
  }

  /** The group's coordinator as the metadata view names it, if that broker is up. */
  private BrokerAddress coordinator(String groupId) {
    return metadata.broker(metadata.coordinatorNodeId(groupId == null ? "" : groupId)).orElse(null);
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    FindCoordinatorRequest req = FindCoordinatorRequest.read(request.reader(), version);
    boolean group = req.keyType() == GROUP;
    FindCoordinatorResponse response = new FindCoordinatorResponse();
    if (version < 4) {
      BrokerAddress coordinator = group ? coordinator(req.key()) : null;
      if (coordinator != null) {
        response
            .setErrorCode(Errors.NONE.code())
            .setNodeId(coordinator.nodeId())
            .setHost(coordinator.host())
            .setPort(coordinator.port());
      } else {
        response
            .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
            .setNodeId(-1)
            .setHost("")
            .setPort(-1);
      }
    } else {
      List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
      for (String key : req.coordinatorKeys()) {
        BrokerAddress coordinator = group ? coordinator(key) : null;
        FindCoordinatorResponse.Coordinator out =
            new FindCoordinatorResponse.Coordinator().setKey(key);
        if (coordinator != null) {
          out.setErrorCode(Errors.NONE.code())
              .setNodeId(coordinator.nodeId())
              .setHost(coordinator.host())
              .setPort(coordinator.port());
        } else {
          out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
              .setNodeId(-1)
              .setHost("")
              .setPort(-1);
        }
        coordinators.add(out);
      }
      response.setCoordinators(coordinators);
    }
    responder.respond(response, version);
  }
}
