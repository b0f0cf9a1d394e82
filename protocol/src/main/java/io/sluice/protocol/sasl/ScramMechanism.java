package io.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM mechanisms Kafka defines (RFC 5802 with the hash of RFC 7677 and its SHA-512 sibling)
 * and the key derivations both sides compute: {@code SaltedPassword = Hi(password, salt, i)}
 * (PBKDF2 with HMAC), {@code ClientKey = HMAC(SaltedPassword, "Client Key")}, {@code StoredKey =
 * H(ClientKey)}, {@code ServerKey = HMAC(SaltedPassword, "Server Key")}. The ids are the ones of
 * Kafka's AlterUserScramCredentials and DescribeUserScramCredentials. Stateless; thread-safe.
 */
public enum ScramMechanism {
  SCRAM_SHA_256("SCRAM-SHA-256", (byte) 1, "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256),
  SCRAM_SHA_512("SCRAM-SHA-512", (byte) 2, "SHA-512", "HmacSHA512", "PBKDF2WithHmacSHA512", 512);

  /** Kafka's lower bound on iterations: fewer are refused when a credential is stored. */
  public static final int MIN_ITERATIONS = 4096;

  /** Kafka's upper bound on iterations. */
  public static final int MAX_ITERATIONS = 16384;

  private final String mechanismName;
  private final byte id;
  private final String hash;
  private final String hmac;
  private final String pbkdf2;
  private final int keyBits;

  ScramMechanism(
      String mechanismName, byte id, String hash, String hmac, String pbkdf2, int keyBits) {
    this.mechanismName = mechanismName;
    this.id = id;
    this.hash = hash;
    this.hmac = hmac;
    this.pbkdf2 = pbkdf2;
    this.keyBits = keyBits;
  }

  /** The SASL mechanism name, e.g. {@code SCRAM-SHA-256}. */
  public String mechanismName() {
    return mechanismName;
  }

  /** Kafka's id of this mechanism in the SCRAM credential APIs (1 and 2; 0 is unknown). */
  public byte id() {
    return id;
  }

  /** The mechanism of that SASL name (any case), or null. */
  public static ScramMechanism forName(String name) {
    for (ScramMechanism m : values()) {
      if (m.mechanismName.equals(name.toUpperCase(Locale.ROOT))) {
        return m;
      }
    }
    return null;
  }

  /** The mechanism with Kafka's id, or null (also for 0, Kafka's UNKNOWN). */
  public static ScramMechanism forId(byte id) {
    for (ScramMechanism m : values()) {
      if (m.id == id) {
        return m;
      }
    }
    return null;
  }

  /** {@code Hi(password, salt, iterations)}: PBKDF2 over the UTF-8 password. */
  public byte[] saltedPassword(String password, byte[] salt, int iterations) {
    // PBEKeySpec takes chars and the JDK's PBKDF2 encodes them as UTF-8, which is what SCRAM's
    // normalisation of an ASCII or already-normalised password amounts to (Kafka does the same).
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, keyBits);
    try {
      return SecretKeyFactory.getInstance(pbkdf2).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(pbkdf2 + " is not available", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** {@code HMAC(key, data)}. */
  public byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(key, hmac));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hmac + " is not available", e);
    }
  }

  /** {@code H(data)}. */
  public byte[] hash(byte[] data) {
    try {
      return MessageDigest.getInstance(hash).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hash + " is not available", e);
    }
  }

  /** {@code ClientKey = HMAC(SaltedPassword, "Client Key")}. */
  public byte[] clientKey(byte[] saltedPassword) {
    return hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code StoredKey = H(ClientKey)}. */
  public byte[] storedKey(byte[] clientKey) {
    return hash(clientKey);
  }

  /** {@code ServerKey = HMAC(SaltedPassword, "Server Key")}. */
  public byte[] serverKey(byte[] saltedPassword) {
    return hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
  }

  /** Byte-wise XOR of two arrays of the same length. */
  public static byte[] xor(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
    }
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }

  @Override
  public String toString() {
    return mechanismName;
  }
}
