package io.sluice.broker.security.sasl;

import io.sluice.broker.config.SaslConfig;
import io.sluice.protocol.sasl.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The SASL mechanisms of one listener: which it offers and a new {@link SaslExchange} per
 * authentication. PLAIN checks the users of the listener's JAAS entry; SCRAM the credentials of the
 * {@link ScramCredentialStore}. For a SCRAM user that does not exist the exchange gets a decoy
 * credential (salt and keys derived with HMAC from the user's name and a secret drawn when the
 * broker starts; {@link ScramMechanism#MIN_ITERATIONS} iterations), so that the server-first
 * message of an unknown user is as stable and plausible as a real one's. Thread-safe: immutable
 * apart from the store, which is.
 */
public final class SaslAuthenticators {
  /** The one message of every failed authentication. */
  public static final String FAILED_MESSAGE = "Authentication failed: invalid username or password";

  /** A credential and whether it belongs to a real user. */
  record Lookup(ScramCredential credential, boolean known) {}

  private final SaslConfig config;
  private final ScramCredentialStore store;
  private final SecureRandom random;
  private final byte[] decoySecret = new byte[32];

  public SaslAuthenticators(SaslConfig config, ScramCredentialStore store, SecureRandom random) {
    this.config = config;
    this.store = store;
    this.random = random;
    random.nextBytes(decoySecret);
  }

  /** The enabled mechanisms, in the configured order. */
  public List<String> mechanisms() {
    return config.enabledMechanisms();
  }

  /** A new exchange for an enabled mechanism, or null if it is not enabled here. */
  public SaslExchange start(String mechanism) {
    if (!config.enabledMechanisms().contains(mechanism)) {
      return null;
    }
    if (mechanism.equals("PLAIN")) {
      return new PlainExchange(config.plainUsers());
    }
    return new ScramExchange(ScramMechanism.forName(mechanism), this::lookup, random);
  }

  private Lookup lookup(String user, ScramMechanism mechanism) {
    ScramCredential stored = store.credential(user, mechanism);
    if (stored != null) {
      return new Lookup(stored, true);
    }
    byte[] seed =
        mechanism.hmac(decoySecret, (mechanism + "\u0000" + user).getBytes(StandardCharsets.UTF_8));
    byte[] salt = Arrays.copyOf(seed, 32);
    byte[] keys = mechanism.hash(seed);
    return new Lookup(
        new ScramCredential(
            salt, mechanism.hash(keys), mechanism.hmac(keys, seed), ScramMechanism.MIN_ITERATIONS),
        false);
  }
}
