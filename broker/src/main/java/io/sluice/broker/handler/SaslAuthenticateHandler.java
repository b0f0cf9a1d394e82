package io.sluice.broker.handler;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.SaslAuthenticateRequest;
import io.sluice.protocol.message.SaslAuthenticateResponse;

/**
 * SaslAuthenticate v0-v2 where no SASL exchange is in progress: on a listener that is not SASL, or
 * after the connection authenticated (re-authentication is not supported: the session lifetime is
 * always 0). Answered with {@code ILLEGAL_SASL_STATE}, as Kafka does. The exchange itself is served
 * by the connection's SASL session ({@code server.SaslSession}). Stateless.
 */
final class SaslAuthenticateHandler extends VersionedHandler {
  SaslAuthenticateHandler() {
    super(ApiKey.SASL_AUTHENTICATE, 0, 2);
  }

  @Override
  public void handle(Request request, Responder responder) {
    SaslAuthenticateRequest.read(request.reader(), request.version());
    responder.respond(
        new SaslAuthenticateResponse()
            .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
            .setErrorMessage("no SASL authentication in progress on this connection")
            .setAuthBytes(new byte[0]),
        request.version());
  }
}
