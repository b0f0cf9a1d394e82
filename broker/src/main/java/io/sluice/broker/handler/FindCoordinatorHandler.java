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
 * A group's coordinator is the broker that {@link ClusterMetadata#coordinatorNodeId} names (this
 * broker on a single node; in a cluster the leader of the group's partition of {@code
 * __consumer_offsets}, which is created on first use here), at its address for the listener the
 * client connected to; a coordinator without that listener is not available ({@code
 * COORDINATOR_NOT_AVAILABLE}), as with Kafka. Transactions are not implemented, so a transactional
 * id (key type 1) gets {@code INVALID_REQUEST} with a message saying so: an error kafka-clients
 * treats as fatal, so {@code initTransactions()} fails at once with that message. ({@code
 * COORDINATOR_NOT_AVAILABLE}, answered before, is retriable: the client retried until {@code
 * max.block.ms}, 60 s, and then timed out without a reason.)
 */
final class FindCoordinatorHandler extends VersionedHandler {
  private static final byte GROUP = 0;

  static final String TRANSACTIONS_NOT_SUPPORTED =
      "transactions are not supported by this broker (Sluice); remove transactional.id"
          + " (an idempotent producer needs none)";

  private final ClusterMetadata metadata;
  private final OffsetsTopicCreation offsetsTopic; // null on a single node

  FindCoordinatorHandler(ClusterMetadata metadata, OffsetsTopicCreation offsetsTopic) {
    super(ApiKey.FIND_COORDINATOR, 0, 6);
    this.metadata = metadata;
    this.offsetsTopic = offsetsTopic;
  }

  /**
   * The group's coordinator as the metadata view names it, at its address for the client's
   * listener, if that broker is up and has that listener.
   */
  private BrokerAddress coordinator(String groupId, String listenerName) {
    return metadata
        .broker(metadata.coordinatorNodeId(groupId == null ? "" : groupId), listenerName)
        .orElse(null);
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    FindCoordinatorRequest req = FindCoordinatorRequest.read(request.reader(), version);
    boolean group = req.keyType() == GROUP;
    FindCoordinatorResponse response = new FindCoordinatorResponse();
    if (version < 4) {
      Answer answer = answer(group, req.key(), request.listenerName());
      response.setErrorCode(answer.error.code());
      if (version >= 1) {
        response.setErrorMessage(answer.message);
      }
      BrokerAddress at = answer.coordinator;
      if (at != null) {
        response.setNodeId(at.nodeId()).setHost(at.host()).setPort(at.port());
      } else {
        response.setNodeId(-1).setHost("").setPort(-1);
      }
    } else {
      List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
      for (String key : req.coordinatorKeys()) {
        Answer answer = answer(group, key, request.listenerName());
        FindCoordinatorResponse.Coordinator out =
            new FindCoordinatorResponse.Coordinator()
                .setKey(key)
                .setErrorCode(answer.error.code())
                .setErrorMessage(answer.message);
        BrokerAddress at = answer.coordinator;
        if (at != null) {
          out.setNodeId(at.nodeId()).setHost(at.host()).setPort(at.port());
        } else {
          out.setNodeId(-1).setHost("").setPort(-1);
        }
        coordinators.add(out);
      }
      response.setCoordinators(coordinators);
    }
    responder.respond(response, version);
  }

  /** The answer for one key: a transactional id is refused, a group is found or not available. */
  private Answer answer(boolean group, String key, String listenerName) {
    if (!group) {
      return new Answer(Errors.INVALID_REQUEST, TRANSACTIONS_NOT_SUPPORTED, null);
    }
    BrokerAddress coordinator = coordinator(key, listenerName);
    if (coordinator == null && offsetsTopic != null) {
      offsetsTopic.ensure();
    }
    return coordinator != null
        ? new Answer(Errors.NONE, null, coordinator)
        : new Answer(Errors.COORDINATOR_NOT_AVAILABLE, null, null);
  }

  private record Answer(Errors error, String message, BrokerAddress coordinator) {}
}
