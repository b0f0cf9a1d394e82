package io.sluice.client.internal;

import io.sluice.client.SecurityConfig;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.SaslAuthenticateRequest;
import io.sluice.protocol.message.SaslAuthenticateResponse;
import io.sluice.protocol.message.SaslHandshakeRequest;
import io.sluice.protocol.message.SaslHandshakeResponse;
import io.sluice.protocol.sasl.ScramMechanism;
import io.sluice.protocol.sasl.ScramMessages;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of SASL on a new connection, after ApiVersions and before any other request, in
 * Kafka's framing: SaslHandshake v1 with the mechanism, then the mechanism's tokens in
 * SaslAuthenticate (the highest version both sides have, at most v2). PLAIN sends {@code NUL user
 * NUL password}; SCRAM (RFC 5802, SHA-256 or SHA-512, no channel binding) sends the client-first
 * message with 24 random bytes as nonce, checks the server's nonce extends it and that it asks for
 * at least 4096 iterations (as Kafka's client does), sends the proof, and checks the server's
 * signature, so a server that does not know the password is refused too. A refusal fails the future
 * with a non-retriable {@link SluiceClientException} ({@code SASL_AUTHENTICATION_FAILED} with the
 * broker's message, {@code UNSUPPORTED_SASL_MECHANISM}, or {@code ILLEGAL_SASL_STATE}) and closes
 * the connection. Stateless apart from the random source; thread-safe.
 */
final class SaslLogin {
  private static final SecureRandom RANDOM = new SecureRandom();

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
    byte[] nonceBytes = new byte[24];
    RANDOM.nextBytes(nonceBytes);
    ScramMessages.ClientFirst first =
        new ScramMessages.ClientFirst(
            "n,,",
            null,
            user,
            Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes),
            Map.of());
    return step(connection, version, first.toBytes())
        .thenCompose(
            serverFirstBytes -> {
              ScramMessages.ServerFirst serverFirst;
              try {
                serverFirst = ScramMessages.ServerFirst.parse(serverFirstBytes);
              } catch (IllegalArgumentException e) {
                return fail(connection, Errors.ILLEGAL_SASL_STATE, invalid(connection, e));
              }
              if (!serverFirst.nonce().startsWith(first.nonce())
                  || serverFirst.nonce().length() == first.nonce().length()) {
                return fail(
                    connection,
                    Errors.ILLEGAL_SASL_STATE,
                    "broker at " + connection.address() + " sent a SCRAM nonce not built on ours");
              }
              if (serverFirst.iterations() < ScramMechanism.MIN_ITERATIONS) {
                return fail(
                    connection,
                    Errors.ILLEGAL_SASL_STATE,
                    "broker at "
                        + connection.address()
                        + " asked for "
                        + serverFirst.iterations()
                        + " SCRAM iterations, fewer than the minimum "
                        + ScramMechanism.MIN_ITERATIONS);
              }
              byte[] salted =
                  mechanism.saltedPassword(password, serverFirst.salt(), serverFirst.iterations());
              byte[] clientKey = mechanism.clientKey(salted);
              byte[] binding = first.gs2Header().getBytes(StandardCharsets.UTF_8);
              byte[] authMessage =
                  ScramMessages.authMessage(
                      first,
                      serverFirst,
                      new ScramMessages.ClientFinal(binding, serverFirst.nonce(), new byte[0]));
              byte[] proof =
                  ScramMechanism.xor(
                      clientKey, mechanism.hmac(mechanism.storedKey(clientKey), authMessage));
              byte[] expected = mechanism.hmac(mechanism.serverKey(salted), authMessage);
              return step(
                      connection,
                      version,
                      new ScramMessages.ClientFinal(binding, serverFirst.nonce(), proof).toBytes())
                  .thenCompose(
                      serverFinalBytes -> {
                        ScramMessages.ServerFinal serverFinal;
                        try {
                          serverFinal = ScramMessages.ServerFinal.parse(serverFinalBytes);
                        } catch (IllegalArgumentException e) {
                          return fail(
                              connection, Errors.ILLEGAL_SASL_STATE, invalid(connection, e));
                        }
                        if (serverFinal.serverSignature() == null
                            || !MessageDigest.isEqual(expected, serverFinal.serverSignature())) {
                          return fail(
                              connection,
                              Errors.SASL_AUTHENTICATION_FAILED,
                              "broker at "
                                  + connection.address()
                                  + " did not prove it knows the SCRAM credential");
                        }
                        return CompletableFuture.completedFuture(connection);
                      });
            });
  }

  private static String invalid(BrokerConnection connection, IllegalArgumentException e) {
    return "broker at "
        + connection.address()
        + " sent an invalid SCRAM message: "
        + e.getMessage();
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
