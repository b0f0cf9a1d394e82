package io.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The client side of one SCRAM exchange (RFC 5802 with SHA-256 or SHA-512, no channel binding, as
 * Kafka's client does it), independent of how the tokens travel: {@link #clientFirst} (the user
 * name and 24 random bytes as nonce), then {@link #clientFinal} with the server's first message
 * (its nonce must extend ours and it must ask for at least {@link ScramMechanism#MIN_ITERATIONS}
 * iterations; the answer carries the proof), then {@link #verify} with the server's final message
 * (its signature proves the server knows the credential: a server that does not is refused too).
 * Each step fails with a {@link Failure}. One instance per exchange, used by one thread at a time.
 */
public final class ScramClient {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A refused exchange; {@link #serverUnproven} tells a bad server signature from bad input. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean serverUnproven;

    Failure(String message, boolean serverUnproven) {
      super(message);
      this.serverUnproven = serverUnproven;
    }

    /**
     * True when the server's signature is wrong or missing (it does not know the credential, or
     * refused us with {@code e=}); false when a message is malformed or breaks the protocol.
     */
    public boolean serverUnproven() {
      return serverUnproven;
    }
  }

  private final ScramMechanism mechanism;
  private final String password;
  private final ScramMessages.ClientFirst first;
  private byte[] expectedSignature;

  public ScramClient(ScramMechanism mechanism, String user, String password) {
    this(mechanism, user, password, randomNonce());
  }

  /** With a given client nonce (for tests against published examples). */
  ScramClient(ScramMechanism mechanism, String user, String password, String nonce) {
    this.mechanism = mechanism;
    this.password = password;
    this.first = new ScramMessages.ClientFirst("n,,", null, user, nonce, Map.of());
  }

  private static String randomNonce() {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
  }

  /** The client-first message. */
  public byte[] clientFirst() {
    return first.toBytes();
  }

  /** The client-final message (with the proof) answering the server-first message. */
  public byte[] clientFinal(byte[] serverFirstBytes) {
    ScramMessages.ServerFirst serverFirst;
    try {
      serverFirst = ScramMessages.ServerFirst.parse(serverFirstBytes);
    } catch (IllegalArgumentException e) {
      throw new Failure("invalid SCRAM message: " + e.getMessage(), false);
    }
    if (!serverFirst.nonce().startsWith(first.nonce())
        || serverFirst.nonce().length() == first.nonce().length()) {
      throw new Failure("the server's SCRAM nonce is not built on ours", false);
    }
    if (serverFirst.iterations() < ScramMechanism.MIN_ITERATIONS) {
      throw new Failure(
          "the server asked for "
              + serverFirst.iterations()
              + " SCRAM iterations, fewer than the minimum "
              + ScramMechanism.MIN_ITERATIONS,
          false);
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
        ScramMechanism.xor(clientKey, mechanism.hmac(mechanism.storedKey(clientKey), authMessage));
    expectedSignature = mechanism.hmac(mechanism.serverKey(salted), authMessage);
    return new ScramMessages.ClientFinal(binding, serverFirst.nonce(), proof).toBytes();
  }

  /** Checks the server-final message: the server's signature must be the one we expect. */
  public void verify(byte[] serverFinalBytes) {
    if (expectedSignature == null) {
      throw new Failure("server-final message before client-final", false);
    }
    ScramMessages.ServerFinal serverFinal;
    try {
      serverFinal = ScramMessages.ServerFinal.parse(serverFinalBytes);
    } catch (IllegalArgumentException e) {
      throw new Failure("invalid SCRAM message: " + e.getMessage(), false);
    }
    if (serverFinal.serverSignature() == null
        || !MessageDigest.isEqual(expectedSignature, serverFinal.serverSignature())) {
      throw new Failure("the server did not prove it knows the SCRAM credential", true);
    }
  }
}
