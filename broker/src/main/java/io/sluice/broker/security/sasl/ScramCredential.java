package io.sluice.broker.security.sasl;

import io.sluice.protocol.sasl.ScramMechanism;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the broker keeps of a SCRAM user for one mechanism: the salt, {@code StoredKey}, {@code
 * ServerKey} and the iteration count (RFC 5802 section 3), never the password nor the salted
 * password. Its text form is Kafka's ({@code salt=<b64>,stored_key=<b64>,server_key=<b64>,
 * iterations=<n>}), as in the {@code /config/users/<user>} znode. Immutable (the arrays are copied
 * in and out); thread-safe.
 */
public final class ScramCredential {
  private final byte[] salt;
  private final byte[] storedKey;
  private final byte[] serverKey;
  private final int iterations;

  public ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
    if (salt.length == 0 || storedKey.length == 0 || serverKey.length == 0 || iterations < 1) {
      throw new IllegalArgumentException("empty salt or key, or no iterations");
    }
    this.salt = salt.clone();
    this.storedKey = storedKey.clone();
    this.serverKey = serverKey.clone();
    this.iterations = iterations;
  }

  /** The credential for a salted password (what AlterUserScramCredentials carries). */
  public static ScramCredential fromSaltedPassword(
      ScramMechanism mechanism, byte[] salt, byte[] saltedPassword, int iterations) {
    return new ScramCredential(
        salt,
        mechanism.storedKey(mechanism.clientKey(saltedPassword)),
        mechanism.serverKey(saltedPassword),
        iterations);
  }

  /** The credential for a password with a fresh random 32-byte salt. */
  public static ScramCredential fromPassword(
      ScramMechanism mechanism, String password, int iterations, SecureRandom random) {
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    return fromSaltedPassword(
        mechanism, salt, mechanism.saltedPassword(password, salt, iterations), iterations);
  }

  public byte[] salt() {
    return salt.clone();
  }

  public byte[] storedKey() {
    return storedKey.clone();
  }

  public byte[] serverKey() {
    return serverKey.clone();
  }

  public int iterations() {
    return iterations;
  }

  /** Kafka's text form. */
  public String toKafkaFormat() {
    Base64.Encoder b64 = Base64.getEncoder();
    return "salt="
        + b64.encodeToString(salt)
        + ",stored_key="
        + b64.encodeToString(storedKey)
        + ",server_key="
        + b64.encodeToString(serverKey)
        + ",iterations="
        + iterations;
  }

  /** Parses Kafka's text form; IllegalArgumentException if it is not one. */
  public static ScramCredential parse(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0 || fields.put(item.substring(0, eq), item.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("not a SCRAM credential");
      }
    }
    if (!fields
        .keySet()
        .equals(java.util.Set.of("salt", "stored_key", "server_key", "iterations"))) {
      throw new IllegalArgumentException(
          "a SCRAM credential has salt, stored_key, server_key and iterations");
    }
    Base64.Decoder b64 = Base64.getDecoder();
    int iterations;
    try {
      iterations = Integer.parseInt(fields.get("iterations"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("iterations is not a number");
    }
    return new ScramCredential(
        b64.decode(fields.get("salt")),
        b64.decode(fields.get("stored_key")),
        b64.decode(fields.get("server_key")),
        iterations);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScramCredential c
        && iterations == c.iterations
        && Arrays.equals(salt, c.salt)
        && Arrays.equals(storedKey, c.storedKey)
        && Arrays.equals(serverKey, c.serverKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(storedKey) * 31 + iterations;
  }

  @Override
  public String toString() {
    return "ScramCredential[iterations=" + iterations + "]";
  }
}
