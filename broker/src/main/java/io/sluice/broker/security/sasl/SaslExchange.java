package io.sluice.broker.security.sasl;

/**
 * The server side of one SASL authentication: the client's tokens in, the server's out, until
 * {@link #complete}. A token that fails the credentials check throws a {@link
 * io.sluice.protocol.SluiceException} with {@code SASL_AUTHENTICATION_FAILED} and {@link
 * SaslAuthenticators#FAILED_MESSAGE} (the same text whatever went wrong, so that an unknown user
 * and a wrong password look alike); a token that is malformed or comes out of turn throws one with
 * {@code ILLEGAL_SASL_STATE}. After either, the exchange is over. Confined to one connection.
 */
public interface SaslExchange {
  /** The mechanism's name, e.g. {@code SCRAM-SHA-256}. */
  String mechanism();

  /** Evaluates the client's next token and returns the server's answer (may be empty). */
  byte[] evaluate(byte[] token);

  /** Whether the client has authenticated. */
  boolean complete();

  /** The authenticated user's name; only once {@link #complete}. */
  String user();
}
