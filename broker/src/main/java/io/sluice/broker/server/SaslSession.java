package io.sluice.broker.server;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.broker.handler.Request;
import io.sluice.broker.handler.Responder;
import io.sluice.broker.security.sasl.SaslAuthenticators;
import io.sluice.broker.security.sasl.SaslExchange;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.codec.FrameDecoder;
import io.sluice.protocol.message.SaslAuthenticateRequest;
import io.sluice.protocol.message.SaslAuthenticateResponse;
import io.sluice.protocol.message.SaslHandshakeRequest;
import io.sluice.protocol.message.SaslHandshakeResponse;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL state of one connection to a SASL listener, as Kafka's server authenticator keeps it:
 * first ApiVersions and SaslHandshake (which picks a mechanism), then only SaslAuthenticate, one
 * token per request, until the mechanism is done. Until then any other request closes the
 * connection unanswered (the dispatcher asks {@link #admits}). A SaslHandshake or SaslAuthenticate
 * out of turn, or a malformed token, is answered with {@code ILLEGAL_SASL_STATE} and the connection
 * closed. A failed authentication is answered with {@code SASL_AUTHENTICATION_FAILED} and {@link
 * SaslAuthenticators#FAILED_MESSAGE} only after {@code connection.failed.authentication.delay.ms},
 * scheduled on the event loop, and the connection is then closed; requests arriving meanwhile are
 * dropped. On success the connection's principal becomes {@code User:<name>} ({@link
 * TlsPrincipal#KEY}), which every later request carries, and the connection's frame limit goes from
 * {@code sasl.server.max.receive.size} up to {@code socket.request.max.bytes}.
 *
 * <p>Confined to the connection's event loop.
 */
final class SaslSession {
  private static final Logger log = LoggerFactory.getLogger(SaslSession.class);

  private enum State {
    HANDSHAKE,
    AUTHENTICATE,
    COMPLETE,
    FAILED
  }

  /** What the dispatcher does with the connection after this session answered. */
  interface Connection {
    Channel channel();

    /** Closes the connection once every response queued so far is written. */
    void closeAfterResponses();
  }

  private final SaslAuthenticators mechanisms;
  private final int failureDelayMs;
  private final int maxFrameBytes;
  private State state = State.HANDSHAKE;
  private SaslExchange exchange;
  private String principal;

  /**
   * @param maxFrameBytes {@code socket.request.max.bytes}: the frame limit once authenticated
   */
  SaslSession(SaslAuthenticators mechanisms, int failureDelayMs, int maxFrameBytes) {
    this.mechanisms = mechanisms;
    this.failureDelayMs = failureDelayMs;
    this.maxFrameBytes = maxFrameBytes;
  }

  boolean authenticated() {
    return state == State.COMPLETE;
  }

  /** Whether a failed authentication is waiting for its delayed answer: drop what comes. */
  boolean failed() {
    return state == State.FAILED;
  }

  /** {@code User:<name>} once authenticated. */
  String principal() {
    return principal;
  }

  /** Whether the request may be served before authentication by the normal handlers. */
  static boolean servedByHandlers(ApiKey key) {
    return key == ApiKey.API_VERSIONS;
  }

  /** Whether the request belongs to the SASL exchange, served here. */
  static boolean servedHere(ApiKey key) {
    return key == ApiKey.SASL_HANDSHAKE || key == ApiKey.SASL_AUTHENTICATE;
  }

  /**
   * Serves a SaslHandshake or SaslAuthenticate of a connection not yet authenticated, answering
   * through {@code responder} now or (a failure) after the delay. The body is read before this
   * returns.
   */
  void handle(Request request, Responder responder, Connection connection) {
    if (request.apiKey() == ApiKey.SASL_HANDSHAKE) {
      handshake(request, responder, connection);
    } else {
      authenticate(request, responder, connection);
    }
  }

  private void handshake(Request request, Responder responder, Connection connection) {
    SaslHandshakeRequest body = SaslHandshakeRequest.read(request.reader(), request.version());
    SaslHandshakeResponse response =
        new SaslHandshakeResponse().setMechanisms(new ArrayList<>(mechanisms.mechanisms()));
    if (state != State.HANDSHAKE) {
      state = State.FAILED;
      responder.respond(response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code()), request.version());
      connection.closeAfterResponses();
      return;
    }
    exchange = mechanisms.start(body.mechanism());
    if (exchange == null) {
      log.debug(
          "closing {}: SASL mechanism {} not enabled",
          connection.channel().remoteAddress(),
          body.mechanism());
      state = State.FAILED;
      responder.respond(
          response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()), request.version());
      connection.closeAfterResponses();
      return;
    }
    state = State.AUTHENTICATE;
    responder.respond(response, request.version());
  }

  private void authenticate(Request request, Responder responder, Connection connection) {
    short version = request.version();
    if (state != State.AUTHENTICATE) {
      // Read anyway: a body that does not parse is a protocol error (closed by the dispatcher).
      SaslAuthenticateRequest.read(request.reader(), version);
      fail(
          responder,
          connection,
          version,
          Errors.ILLEGAL_SASL_STATE,
          "SaslAuthenticate before SaslHandshake");
      return;
    }
    SaslAuthenticateRequest body = SaslAuthenticateRequest.read(request.reader(), version);
    byte[] answer;
    try {
      answer = exchange.evaluate(body.authBytes());
    } catch (SluiceException e) {
      if (e.error() != Errors.SASL_AUTHENTICATION_FAILED) {
        fail(responder, connection, version, e.error(), e.getMessage());
        return;
      }
      state = State.FAILED;
      log.debug(
          "failed {} authentication from {}",
          exchange.mechanism(),
          connection.channel().remoteAddress());
      EventExecutor loop = connection.channel().eventLoop();
      loop.schedule(
          () -> {
            respondError(responder, version, Errors.SASL_AUTHENTICATION_FAILED, e.getMessage());
            connection.closeAfterResponses();
          },
          failureDelayMs,
          TimeUnit.MILLISECONDS);
      return;
    }
    SaslAuthenticateResponse response =
        new SaslAuthenticateResponse().setAuthBytes(answer).setSessionLifetimeMs(0);
    if (exchange.complete()) {
      state = State.COMPLETE;
      principal = "User:" + exchange.user();
      connection.channel().attr(TlsPrincipal.KEY).set(principal);
      FrameDecoder frames = connection.channel().pipeline().get(FrameDecoder.class);
      if (frames != null) {
        frames.setMaxFrameBytes(maxFrameBytes);
      }
      log.debug(
          "{} authenticated {} with {}",
          connection.channel().remoteAddress(),
          principal,
          exchange.mechanism());
      exchange = null;
    }
    responder.respond(response, version);
  }

  private void fail(
      Responder responder, Connection connection, short version, Errors error, String message) {
    state = State.FAILED;
    log.debug("closing {}: {}", connection.channel().remoteAddress(), message);
    respondError(responder, version, error, message);
    connection.closeAfterResponses();
  }

  private static void respondError(
      Responder responder, short version, Errors error, String message) {
    responder.respond(
        new SaslAuthenticateResponse()
            .setErrorCode(error.code())
            .setErrorMessage(message)
            .setAuthBytes(new byte[0]),
        version);
  }
}
