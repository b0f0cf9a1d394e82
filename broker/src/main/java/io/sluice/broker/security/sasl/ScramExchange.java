package io.sluice.broker.security.sasl;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.sasl.ScramMechanism;
import io.sluice.protocol.sasl.ScramMessages;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.BiFunction;

/**
 * The server side of SCRAM (RFC 5802 section 5, with Kafka's restrictions: no channel binding, so
 * the gs2 header must be {@code n,,} or {@code n,a=<the user>,}; the {@code tokenauth} extension of
 * delegation tokens is refused). Two rounds: client-first in, server-first out (the client's nonce
 * plus 24 random bytes of ours, the salt, the iterations); client-final in, server-final out
 * ({@code v=} the server signature) once the proof checks out against StoredKey.
 *
 * <p>An unknown user is not told apart: it gets a salt and iteration count derived from its name,
 * the same on every attempt, and fails where a wrong password fails, at the proof, with the same
 * message. Confined to one connection.
 */
final class ScramExchange implements SaslExchange {
  private enum State {
    CLIENT_FIRST,
    CLIENT_FINAL,
    COMPLETE,
    FAILED
  }

  private final ScramMechanism mechanism;
  private final BiFunction<String, ScramMechanism, SaslAuthenticators.Lookup> credentials;
  private final SecureRandom random;
  private State state = State.CLIENT_FIRST;
  private ScramMessages.ClientFirst clientFirst;
  private ScramMessages.ServerFirst serverFirst;
  private ScramCredential credential;
  private boolean known;
  private String user;

  /**
   * @param credentials the credential of a user for a mechanism: a stored one, or for an unknown
   *     user a decoy ({@link SaslAuthenticators})
   */
  ScramExchange(
      ScramMechanism mechanism,
      BiFunction<String, ScramMechanism, SaslAuthenticators.Lookup> credentials,
      SecureRandom random) {
    this.mechanism = mechanism;
    this.credentials = credentials;
    this.random = random;
  }

  @Override
  public String mechanism() {
    return mechanism.mechanismName();
  }

  @Override
  public byte[] evaluate(byte[] token) {
    try {
      return switch (state) {
        case CLIENT_FIRST -> first(token);
        case CLIENT_FINAL -> last(token);
        case COMPLETE, FAILED -> throw illegal("the SCRAM exchange is already over");
      };
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private byte[] first(byte[] token) {
    ScramMessages.ClientFirst message;
    try {
      message = ScramMessages.ClientFirst.parse(token);
    } catch (IllegalArgumentException e) {
      throw illegal(e.getMessage());
    }
    if (message.extensions().containsKey("tokenauth")) {
      throw failed(); // delegation tokens are not supported
    }
    clientFirst = message;
    SaslAuthenticators.Lookup lookup = credentials.apply(message.userName(), mechanism);
    credential = lookup.credential();
    known = lookup.known();
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    serverFirst =
        new ScramMessages.ServerFirst(
            message.nonce() + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
            credential.salt(),
            credential.iterations());
    state = State.CLIENT_FINAL;
    return serverFirst.toBytes();
  }

  private byte[] last(byte[] token) {
    ScramMessages.ClientFinal message;
    try {
      message = ScramMessages.ClientFinal.parse(token);
    } catch (IllegalArgumentException e) {
      throw illegal(e.getMessage());
    }
    if (!message.nonce().equals(serverFirst.nonce())) {
      throw illegal("the nonce of the client-final message is not the server's");
    }
    if (!MessageDigest.isEqual(
        message.channelBinding(), clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8))) {
      throw illegal("the channel binding of the client-final message is not the gs2 header");
    }
    byte[] authMessage = ScramMessages.authMessage(clientFirst, serverFirst, message);
    byte[] storedKey = credential.storedKey();
    byte[] proof = message.proof();
    boolean match = false;
    if (proof.length == storedKey.length) {
      byte[] clientSignature = mechanism.hmac(storedKey, authMessage);
      byte[] clientKey = ScramMechanism.xor(proof, clientSignature);
      match = MessageDigest.isEqual(mechanism.hash(clientKey), storedKey);
    }
    String authzid = clientFirst.authorizationId();
    if (!match || !known || (authzid != null && !authzid.equals(clientFirst.userName()))) {
      throw failed();
    }
    user = clientFirst.userName();
    state = State.COMPLETE;
    return new ScramMessages.ServerFinal(mechanism.hmac(credential.serverKey(), authMessage), null)
        .toBytes();
  }

  @Override
  public boolean complete() {
    return state == State.COMPLETE;
  }

  @Override
  public String user() {
    if (state != State.COMPLETE) {
      throw new IllegalStateException("not authenticated");
    }
    return user;
  }

  private static SluiceException illegal(String why) {
    return new SluiceException(Errors.ILLEGAL_SASL_STATE, why);
  }

  private static SluiceException failed() {
    return new SluiceException(
        Errors.SASL_AUTHENTICATION_FAILED, SaslAuthenticators.FAILED_MESSAGE);
  }
}
