package io.sluice.client.internal;

import io.sluice.client.SecurityConfig;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.SaslAuthenticateRequest;
import io.sluice.protocol.message.SaslAuthenticateResponse;
import io.sluice.protocol.message.SaslHandshakeRequest;
import io.sluice.protocol.message.SaslHandshakeResponse;
import io.sluice.protocol.sasl.ScramClient;
import io.sluice.protocol.sasl.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of SASL on a new connection, after ApiVersions and before any other request, in
 * Kafka's framing: SaslHandshake v1 with the mechanism, then the mechanism's tokens in
 * SaslAuthenticate (the highest version both sides have, at most v2). PLAIN sends {@code NUL user
 * NUL password}; SCRAM goes through {@link ScramClient} (RFC 5802, SHA-256 or SHA-512, no channel
 * binding: the server's nonce must extend ours, at least 4096 iterations, and the server's
 * signature is checked, so a server that does not know the password is refused too). A refusal
 * fails the future with a non-retriable {@link SluiceClientException} ({@code
 * SASL_AUTHENTICATION_FAILED} with the broker's message, {@code UNSUPPORTED_SASL_MECHANISM}, or
 * {@code ILLEGAL_SASL_STATE}) and closes the connection. Stateless; thread-safe.
 */
final class SaslLogin {
  private SaslLogin() {}

  /** Authenticates {@code connection} as {@code security} says; completes with the connection. */
  static CompletableFuture<BrokerConnection> authenticate(
      BrokerConnection connection, SecurityConfig security) {
    String mechanism = security.saslMechanism();
    String user = security.saslUsername();
    String password = security.saslPassword();
    short authVersion = (short) Math.min(2, connection.version(ApiKey.SASL_AUTHENTICATE));
    if (connection.version(ApiKey.SASL_HANDSHAKE) < 1 || authVersion < 0) {
      return fail(
          connection,
          Errors.ILLEGAL_SASL_STATE,
          "broker at "
              + connection.address()
              + " does not offer SaslHandshake v1 and SaslAuthenticate: is this a SASL listener?");
    }
    CompletableFuture<SaslHandshakeResponse> handshake =
        connection.send(
            ApiKey.SASL_HANDSHAKE,
            (short) 1,
            new SaslHandshakeRequest().setMechanism(mechanism),
            r -> SaslHandshakeResponse.read(r, (short) 1));
    return handshake.thenCompose(
        answer -> {
          if (answer.errorCode() != Errors.NONE.code()) {
            return fail(
                connection,
                Errors.forCode(answer.errorCode()),
                "broker at "
                    + connection.address()
                    + " refused SASL mechanism "
                    + mechanism
                    + " ("
                    + Errors.forCode(answer.errorCode())
                    + "; it enables "
                    + answer.mechanisms()
                    + ")");
          }
          if (mechanism.equals("PLAIN")) {
            byte[] token = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
            return step(connection, authVersion, token).thenApply(ignored -> connection);
          }
          return scram(connection, authVersion, ScramMechanism.forName(mechanism), user, password);
        });
  }

  private static CompletableFuture<BrokerConnection> scram(
      BrokerConnection connection,
      short version,
      ScramMechanism mechanism,
      String user,
      String password) {
    ScramClient scram = new ScramClient(mechanism, user, password);
    return step(connection, version, scram.clientFirst())
        .thenCompose(
            serverFirst -> {
              byte[] clientFinal;
              try {
                clientFinal = scram.clientFinal(serverFirst);
              } catch (ScramClient.Failure e) {
                return fail(connection, e);
              }
              return step(connection, version, clientFinal);
            })
        .thenCompose(
            serverFinal -> {
              try {
                scram.verify(serverFinal);
              } catch (ScramClient.Failure e) {
                return fail(connection, e);
              }
              return CompletableFuture.completedFuture(connection);
            });
  }

  /**
   * A SCRAM refusal: {@code SASL_AUTHENTICATION_FAILED} when the broker did not prove it knows the
   * credential, {@code ILLEGAL_SASL_STATE} when its message breaks the protocol.
   */
  private static <T> CompletableFuture<T> fail(BrokerConnection connection, ScramClient.Failure e) {
    return fail(
        connection,
        e.serverUnproven() ? Errors.SASL_AUTHENTICATION_FAILED : Errors.ILLEGAL_SASL_STATE,
        "broker at " + connection.address() + ": " + e.getMessage());
  }

  /** One SaslAuthenticate round trip; completes with the server's token or fails. */
  private static CompletableFuture<byte[]> step(
      BrokerConnection connection, short version, byte[] token) {
    return connection
        .send(
            ApiKey.SASL_AUTHENTICATE,
            version,
            new SaslAuthenticateRequest().setAuthBytes(token),
            r -> SaslAuthenticateResponse.read(r, version))
        .thenCompose(
            answer -> {
              if (answer.errorCode() != Errors.NONE.code()) {
                Errors error = Errors.forCode(answer.errorCode());
                return fail(
                    connection,
                    error,
                    answer.errorMessage() != null ? answer.errorMessage() : error.toString());
              }
              return CompletableFuture.completedFuture(answer.authBytes());
            });
  }

  private static <T> CompletableFuture<T> fail(
      BrokerConnection connection, Errors error, String message) {
    connection.close();
    return CompletableFuture.failedFuture(
        new SluiceClientException(error, null, message, false, null));
  }
}
