package io.sluice.broker.security.sasl;

import io.sluice.protocol.sasl.ScramMechanism;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where the broker's SCRAM credentials live: a file in the first log directory on a single node
 * ({@link FileScramCredentialStore}), ZooKeeper's {@code /config/users/<user>} in cluster mode.
 * Reads are non-blocking and may run on an event loop; {@link #alter} does its I/O on the store's
 * own executor, never on the caller's thread. Implementations are thread-safe.
 */
public interface ScramCredentialStore {
  /** The user's credential for that mechanism, or null if there is none. */
  ScramCredential credential(String user, ScramMechanism mechanism);

  /** Every user's credentials, users in name order: a snapshot. */
  Map<String, Map<ScramMechanism, ScramCredential>> all();

  /**
   * Applies the upsertions (replace a user's credential for a mechanism) and deletions together,
   * durably; the future completes once they are stored (readers then see all of them), or fails
   * with the I/O error.
   */
  CompletableFuture<Void> alter(
      Map<String, Map<ScramMechanism, ScramCredential>> upsertions,
      Map<String, Set<ScramMechanism>> deletions);

  /** A store with no users that refuses changes: for brokers without a SCRAM listener in tests. */
  ScramCredentialStore NONE =
      new ScramCredentialStore() {
        @Override
        public ScramCredential credential(String user, ScramMechanism mechanism) {
          return null;
        }

        @Override
        public Map<String, Map<ScramMechanism, ScramCredential>> all() {
          return Map.of();
        }

        @Override
        public CompletableFuture<Void> alter(
            Map<String, Map<ScramMechanism, ScramCredential>> upsertions,
            Map<String, Set<ScramMechanism>> deletions) {
          return CompletableFuture.failedFuture(
              new IOException("this broker stores no SCRAM credentials"));
        }
      };
}
