package io.sluice.client.internal;

import io.sluice.client.ScramCredentialInfo;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.AlterUserScramCredentialsRequest;
import io.sluice.protocol.message.AlterUserScramCredentialsResponse;
import io.sluice.protocol.message.DescribeUserScramCredentialsRequest;
import io.sluice.protocol.message.DescribeUserScramCredentialsResponse;
import io.sluice.protocol.sasl.ScramMechanism;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The SCRAM credential requests of {@code Admin}: DescribeUserScramCredentials and
 * AlterUserScramCredentials. As Kafka's Admin does, the password is salted and hashed here (a
 * random 32-byte salt, PBKDF2 with the mechanism's HMAC) and only the salted password is sent; the
 * broker derives and keeps StoredKey and ServerKey. Stateless apart from the random source;
 * thread-safe.
 */
public final class ScramCredentialRequests {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final NodeConnections connections;

  public ScramCredentialRequests(NodeConnections connections) {
    this.connections = connections;
  }

  /** Every user's credentials, users in name order. */
  public CompletableFuture<Map<String, List<ScramCredentialInfo>>> describe() {
    DescribeUserScramCredentialsRequest request =
        new DescribeUserScramCredentialsRequest().setUsers(null);
    return connections
        .anyConnection()
        .thenCompose(
            c ->
                c.send(
                    ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS,
                    request,
                    DescribeUserScramCredentialsResponse::read))
        .thenApply(
            response -> {
              Errors error = Errors.forCode(response.errorCode());
              if (error != Errors.NONE) {
                throw failure(error, response.errorMessage(), "cannot describe SCRAM users");
              }
              Map<String, List<ScramCredentialInfo>> users = new TreeMap<>();
              for (DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult r :
                  response.results()) {
                Errors userError = Errors.forCode(r.errorCode());
                if (userError != Errors.NONE) {
                  throw failure(
                      userError, r.errorMessage(), "cannot describe SCRAM user '" + r.user() + "'");
                }
                List<ScramCredentialInfo> infos = new ArrayList<>();
                for (DescribeUserScramCredentialsResponse.CredentialInfo info :
                    r.credentialInfos()) {
                  ScramMechanism m = ScramMechanism.forId(info.mechanism());
                  infos.add(
                      new ScramCredentialInfo(
                          m == null ? "UNKNOWN" : m.mechanismName(), info.iterations()));
                }
                users.put(r.user(), List.copyOf(infos));
              }
              return users;
            });
  }

  /** Creates or replaces {@code user}'s credential for {@code mechanism}. */
  public CompletableFuture<Void> upsert(
      String user, String mechanism, int iterations, String password) {
    ScramMechanism m = mechanism(mechanism);
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    AlterUserScramCredentialsRequest request =
        new AlterUserScramCredentialsRequest()
            .setUpsertions(
                List.of(
                    new AlterUserScramCredentialsRequest.ScramCredentialUpsertion()
                        .setName(user)
                        .setMechanism(m.id())
                        .setIterations(iterations)
                        .setSalt(salt)
                        .setSaltedPassword(m.saltedPassword(password, salt, iterations))));
    return alter(request, user, "set");
  }

  /** Deletes {@code user}'s credential for {@code mechanism}. */
  public CompletableFuture<Void> delete(String user, String mechanism) {
    AlterUserScramCredentialsRequest request =
        new AlterUserScramCredentialsRequest()
            .setDeletions(
                List.of(
                    new AlterUserScramCredentialsRequest.ScramCredentialDeletion()
                        .setName(user)
                        .setMechanism(mechanism(mechanism).id())));
    return alter(request, user, "delete");
  }

  private CompletableFuture<Void> alter(
      AlterUserScramCredentialsRequest request, String user, String verb) {
    return connections
        .anyConnection()
        .thenCompose(
            c ->
                c.send(
                    ApiKey.ALTER_USER_SCRAM_CREDENTIALS,
                    request,
                    AlterUserScramCredentialsResponse::read))
        .thenAccept(
            response -> {
              for (AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult r :
                  response.results()) {
                Errors error = Errors.forCode(r.errorCode());
                if (error != Errors.NONE) {
                  throw failure(
                      error,
                      r.errorMessage(),
                      "cannot " + verb + " the SCRAM credential of user '" + user + "'");
                }
              }
            });
  }

  private static ScramMechanism mechanism(String name) {
    ScramMechanism m = ScramMechanism.forName(name);
    if (m == null) {
      throw new IllegalArgumentException(
          "unknown SCRAM mechanism '" + name + "' (SCRAM-SHA-256 or SCRAM-SHA-512)");
    }
    return m;
  }

  private static SluiceClientException failure(Errors error, String message, String what) {
    return new SluiceClientException(
        error,
        null,
        what + ": " + error + (message == null ? "" : " (" + message + ")"),
        false,
        null);
  }
}
