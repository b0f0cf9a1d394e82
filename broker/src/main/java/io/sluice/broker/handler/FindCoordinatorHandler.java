package io.sluice.broker.handler;

import io.sluice.broker.config.Endpoint;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * This broker coordinates every group. Transaction coordinators (key type 1) do not exist: {@code
 * COORDINATOR_NOT_AVAILABLE}.
 */
final class FindCoordinatorHandler extends VersionedHandler {
  private static final byte GROUP = 0;

  private final BrokerNode node;

  FindCoordinatorHandler(BrokerNode node) {
    super(ApiKey.FIND_COORDINATOR, 0, 6);
    this.node = node;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    FindCoordinatorRequest req = FindCoordinatorRequest.read(request.reader(), version);
    Errors error = req.keyType() == GROUP ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
    Endpoint self = node.advertised();
    FindCoordinatorResponse response = new FindCoordinatorResponse();
    if (version < 4) {
      response.setErrorCode(error.code());
      if (error == Errors.NONE) {
        response.setNodeId(node.nodeId()).setHost(self.host()).setPort(self.port());
      } else {
        response.setNodeId(-1).setHost("").setPort(-1);
      }
    } else {
      List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
      for (String key : req.coordinatorKeys()) {
        FindCoordinatorResponse.Coordinator out =
            new FindCoordinatorResponse.Coordinator().setKey(key).setErrorCode(error.code());
        if (error == Errors.NONE) {
          out.setNodeId(node.nodeId()).setHost(self.host()).setPort(self.port());
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
