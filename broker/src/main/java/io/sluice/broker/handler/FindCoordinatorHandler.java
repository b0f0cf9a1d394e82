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

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    FindCoordinatorRequest req = FindCoordinatorRequest.read(request.reader(), version);
    BrokerAddress self = metadata.broker(metadata.localNodeId()).orElse(null);
    Errors error =
        req.keyType() == GROUP && self != null ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
    FindCoordinatorResponse response = new FindCoordinatorResponse();
    if (version < 4) {
      response.setErrorCode(error.code());
      if (error == Errors.NONE) {
        response.setNodeId(self.nodeId()).setHost(self.host()).setPort(self.port());
      } else {
        response.setNodeId(-1).setHost("").setPort(-1);
      }
    } else {
      List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
      for (String key : req.coordinatorKeys()) {
        FindCoordinatorResponse.Coordinator out =
            new FindCoordinatorResponse.Coordinator().setKey(key).setErrorCode(error.code());
        if (error == Errors.NONE) {
          out.setNodeId(self.nodeId()).setHost(self.host()).setPort(self.port());
        } else {
          out.setNodeId(-1).setHost("").setPort(-1);
        }
        coordinators.add(out);
      }
      response.setCoordinators(coordinators);
    }
    responder.respond(response, version);
  }
}
