package io.sluice.broker.security.sasl;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * SASL PLAIN (RFC 4616): one token, {@code authzid NUL authcid NUL passwd}, checked against the
 * listener's users. The password is compared in constant time, and an unknown user is compared
 * against a placeholder so that both failures take the same path. An authorization id other than
 * empty or the user's own name fails authentication, as in Kafka. Confined to one connection.
 */
final class PlainExchange implements SaslExchange {
  private static final byte[] PLACEHOLDER = new byte[32];

  private final Map<String, String> users;
  private String user;
  private boolean done;

  PlainExchange(Map<String, String> users) {
    this.users = users;
  }

  @Override
  public String mechanism() {
    return "PLAIN";
  }

  @Override
  public byte[] evaluate(byte[] token) {
    if (done) {
      throw new SluiceException(Errors.ILLEGAL_SASL_STATE, "PLAIN authentication is already over");
    }
    done = true;
    String text = new String(token, StandardCharsets.UTF_8);
    String[] parts = text.split("\u0000", -1);
    if (parts.length != 3) {
      throw new SluiceException(
          Errors.ILLEGAL_SASL_STATE, "a PLAIN token is authzid NUL username NUL password");
    }
    String authzid = parts[0];
    String name = parts[1];
    byte[] password = parts[2].getBytes(StandardCharsets.UTF_8);
    String expected = users.get(name);
    boolean match =
        MessageDigest.isEqual(
            expected == null ? PLACEHOLDER : expected.getBytes(StandardCharsets.UTF_8), password);
    if (expected == null
        || !match
        || name.isEmpty()
        || (!authzid.isEmpty() && !authzid.equals(name))) {
      throw new SluiceException(
          Errors.SASL_AUTHENTICATION_FAILED, SaslAuthenticators.FAILED_MESSAGE);
    }
    user = name;
    return new byte[0];
  }

  @Override
  public boolean complete() {
    return user != null;
  }

  @Override
  public String user() {
    if (user == null) {
      throw new IllegalStateException("not authenticated");
    }
    return user;
  }
}
