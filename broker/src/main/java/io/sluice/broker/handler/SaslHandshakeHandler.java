package io.sluice.broker.handler;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.SaslHandshakeRequest;
import io.sluice.protocol.message.SaslHandshakeResponse;

/**
 * SaslHandshake v1 where no SASL exchange is possible: on a listener that is not SASL, or on a SASL
 * connection that has already authenticated (the connection's SASL session serves the handshake
 * before that, see {@code server.SaslSession}). Answered with {@code ILLEGAL_SASL_STATE}, as Kafka
 * answers it. Registered so that ApiVersions advertises the API. v0 (raw tokens after the
 * handshake, clients before Kafka 1.0) is not served. Stateless.
 */
final class SaslHandshakeHandler extends VersionedHandler {
  SaslHandshakeHandler() {
    super(ApiKey.SASL_HANDSHAKE, 1, 1);
  }

  @Override
  public void handle(Request request, Responder responder) {
    SaslHandshakeRequest.read(request.reader(), request.version());
    responder.respond(
        new SaslHandshakeResponse().setErrorCode(Errors.ILLEGAL_SASL_STATE.code()),
        request.version());
  }
}
