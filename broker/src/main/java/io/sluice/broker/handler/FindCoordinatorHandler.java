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
 * ClusterMetadata} lists it. Transactions are not implemented, so a transactional id (key type 1)
 * gets {@code INVALID_REQUEST} with a message saying so: an error kafka-clients treats as fatal, so
 * {@code initTransactions()} fails at once with that message. ({@code COORDINATOR_NOT_AVAILABLE},
 * answered before, is retriable: the client retried until {@code max.block.ms}, 60 s, and then
 * timed out without a reason.)
 */
final class FindCoordinatorHandler extends VersionedHandler {
  private static final byte GROUP = 0;

  static final String TRANSACTIONS_NOT_SUPPORTED =
      "transactions are not supported by this broker (Sluice); remove transactional.id"
          + " (an idempotent producer needs none)";

  private final ClusterMetadata metadata;

  FindCoordinatorHandler(ClusterMetadata metadata) {
    super(ApiKey.FIND_COORDINATOR, 0, 6);
    this.metadata = metadata;
  }

  /** Transactions are not supported: INVALID_REQUEST; a group without a live coordinator waits. */
  private static Errors error(boolean group, BrokerAddress coordinator) {
    if (!group) {
      return Errors.INVALID_REQUEST;
    }
    return coordinator != null ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
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
    String message = group ? null : TRANSACTIONS_NOT_SUPPORTED;
    FindCoordinatorResponse response = new FindCoordinatorResponse();
    if (version < 4) {
      BrokerAddress coordinator = group ? coordinator(req.key()) : null;
      Errors error = error(group, coordinator);
      response.setErrorCode(error.code());
      if (version >= 1) {
        response.setErrorMessage(message);
      }
      if (coordinator != null) {
        response
            .setNodeId(coordinator.nodeId())
            .setHost(coordinator.host())
            .setPort(coordinator.port());
      } else {
        response.setNodeId(-1).setHost("").setPort(-1);
      }
    } else {
      List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
      for (String key : req.coordinatorKeys()) {
        BrokerAddress coordinator = group ? coordinator(key) : null;
        FindCoordinatorResponse.Coordinator out =
            new FindCoordinatorResponse.Coordinator()
                .setKey(key)
                .setErrorCode(error(group, coordinator).code())
                .setErrorMessage(message);
        if (coordinator != null) {
          out.setNodeId(coordinator.nodeId())
              .setHost(coordinator.host())
              .setPort(coordinator.port());
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
