package io.sluice.broker.handler;

import io.sluice.broker.metadata.ProducerIds;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;

/**
 * Gives idempotent producers a fresh producer id (epoch 0); the logs de-duplicate their batches by
 * id and sequence. A bump request (existing id and epoch) also gets a fresh id, which Kafka's
 * clients accept. Transactional ids are refused: transactions are not implemented.
 */
final class InitProducerIdHandler extends VersionedHandler {
  private final ProducerIds producerIds;

  InitProducerIdHandler(ProducerIds producerIds) {
    super(ApiKey.INIT_PRODUCER_ID, 0, 5);
    this.producerIds = producerIds;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    InitProducerIdRequest req = InitProducerIdRequest.read(request.reader(), version);
    InitProducerIdResponse response = new InitProducerIdResponse();
    if (req.transactionalId() != null) {
      response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
    } else {
      response.setProducerId(producerIds.nextId()).setProducerEpoch((short) 0);
    }
    responder.respond(response, version);
  }
}
