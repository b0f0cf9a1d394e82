package io.sluice.broker.handler;

import io.sluice.broker.metadata.ProducerIds;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.ResourceType;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;

/**
 * Gives idempotent producers a fresh producer id (epoch 0); the logs de-duplicate their batches by
 * id and sequence. When the current block of ids is used up, the answer waits for the next block's
 * reservation, which {@link ProducerIds} does off the event loop. A bump request (existing id and
 * epoch) also gets a fresh id, which Kafka's clients accept. Transactional ids are refused with
 * {@code INVALID_REQUEST}: transactions are not implemented (see {@link FindCoordinatorHandler},
 * where a client learns it first).
 */
final class InitProducerIdHandler extends VersionedHandler {
  private final ProducerIds producerIds;
  private final Authorization authorization;

  InitProducerIdHandler(ProducerIds producerIds, Authorization authorization) {
    super(ApiKey.INIT_PRODUCER_ID, 0, 5);
    this.producerIds = producerIds;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    InitProducerIdRequest req = InitProducerIdRequest.read(request.reader(), version);
    InitProducerIdResponse response = new InitProducerIdResponse();
    if (req.transactionalId() != null
        && !authorization.transactionalId(request, AclOperation.WRITE, req.transactionalId())) {
      response
          .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
          .setProducerId(-1)
          .setProducerEpoch((short) -1);
    } else if (req.transactionalId() == null
        && !authorization.cluster(request, AclOperation.IDEMPOTENT_WRITE)
        && !authorization.anyOfType(request, AclOperation.WRITE, ResourceType.TOPIC)) {
      // Kafka: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on a topic.
      response
          .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
          .setProducerId(-1)
          .setProducerEpoch((short) -1);
    } else if (req.transactionalId() != null) {
      // No message field here; kafka-clients fails with "Unexpected error in
      // InitProducerIdResponse"
      // and INVALID_REQUEST's text. Clients reach this only past FindCoordinator, which says why.
      response
          .setErrorCode(Errors.INVALID_REQUEST.code())
          .setProducerId(-1)
          .setProducerEpoch((short) -1);
    } else {
      producerIds
          .nextId()
          .whenComplete(
              (id, failure) -> {
                if (failure != null) {
                  response.setErrorCode(Errors.forException(failure).code());
                } else {
                  response.setProducerId(id).setProducerEpoch((short) 0);
                }
                responder.respond(response, version);
              });
      return;
    }
    responder.respond(response, version);
  }
}
