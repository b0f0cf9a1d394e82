package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.sasl.ScramCredential;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.AlterUserScramCredentialsRequest;
import io.sluice.protocol.message.AlterUserScramCredentialsResponse;
import io.sluice.protocol.sasl.ScramMechanism;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterUserScramCredentials (what {@code kafka-configs --alter --add-config
 * 'SCRAM-SHA-256=[password=...]' --entity-type users} and {@code Admin.alterUserScramCredentials}
 * send): the client sends the salt and the salted password, the broker keeps only StoredKey and
 * ServerKey ({@link ScramCredential}). Validated per user, with Kafka's errors and messages: an
 * unknown mechanism {@code UNSUPPORTED_SASL_MECHANISM}, fewer than 4096 or more than 16384
 * iterations, an empty name or an empty salt or password {@code UNACCEPTABLE_CREDENTIAL}, a user
 * altered twice in one request {@code DUPLICATE_RESOURCE}, the deletion of a credential that does
 * not exist {@code RESOURCE_NOT_FOUND}. A user with any invalid entry is left unchanged; the
 * others' changes are stored together, off the event loop (on {@code io}, the broker's metadata
 * executor), before the answer.
 */
final class AlterUserScramCredentialsHandler extends VersionedHandler {
  private static final Logger log = LoggerFactory.getLogger(AlterUserScramCredentialsHandler.class);

  private final ScramCredentialStore store;
  private final Authorization authorization;

  AlterUserScramCredentialsHandler(ScramCredentialStore store, Authorization authorization) {
    super(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, 0, 0);
    this.store = store;
    this.authorization = authorization;
  }

  /**
   * Whether the request's principal may alter credentials: {@code ALTER} on the cluster, as Kafka
   * checks (everyone may without an authorizer); a refusal answers {@code
   * CLUSTER_AUTHORIZATION_FAILED} for every user.
   */
  private boolean mayAlter(Request request) {
    return authorization.cluster(request, AclOperation.ALTER);
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    AlterUserScramCredentialsRequest req =
        AlterUserScramCredentialsRequest.read(request.reader(), version);
    // A user's entries (deletions and upsertions, any mechanisms) stand or fall together; the same
    // user and mechanism twice in one request is a duplicate, as in Kafka.
    Map<String, Integer> pairs = new HashMap<>();
    req.upsertions()
        .forEach(u -> pairs.merge(u.name() + "\u0000" + u.mechanism(), 1, Integer::sum));
    req.deletions().forEach(d -> pairs.merge(d.name() + "\u0000" + d.mechanism(), 1, Integer::sum));
    boolean authorized = mayAlter(request);
    Map<String, Result> results = new TreeMap<>();
    for (AlterUserScramCredentialsRequest.ScramCredentialDeletion d : req.deletions()) {
      ScramMechanism mechanism = ScramMechanism.forId(d.mechanism());
      Result problem =
          common(authorized, pairs.get(d.name() + "\u0000" + d.mechanism()), d.name(), mechanism);
      if (problem == null && store.credential(d.name(), mechanism) == null) {
        problem = Result.NOT_FOUND;
      }
      record(results, d.name(), problem);
    }
    for (AlterUserScramCredentialsRequest.ScramCredentialUpsertion u : req.upsertions()) {
      ScramMechanism mechanism = ScramMechanism.forId(u.mechanism());
      Result problem =
          common(authorized, pairs.get(u.name() + "\u0000" + u.mechanism()), u.name(), mechanism);
      if (problem == null) {
        problem =
            u.iterations() < ScramMechanism.MIN_ITERATIONS
                ? Result.TOO_FEW_ITERATIONS
                : u.iterations() > ScramMechanism.MAX_ITERATIONS
                    ? Result.TOO_MANY_ITERATIONS
                    : u.salt() == null
                            || u.salt().length == 0
                            || u.saltedPassword() == null
                            || u.saltedPassword().length == 0
                        ? Result.EMPTY_CREDENTIAL
                        : null;
      }
      record(results, u.name(), problem);
    }
    Map<String, Map<ScramMechanism, ScramCredential>> upsertions = new TreeMap<>();
    Map<String, Set<ScramMechanism>> deletions = new TreeMap<>();
    for (AlterUserScramCredentialsRequest.ScramCredentialDeletion d : req.deletions()) {
      if (results.get(d.name()) == Result.OK) {
        deletions
            .computeIfAbsent(d.name(), x -> EnumSet.noneOf(ScramMechanism.class))
            .add(ScramMechanism.forId(d.mechanism()));
      }
    }
    for (AlterUserScramCredentialsRequest.ScramCredentialUpsertion u : req.upsertions()) {
      if (results.get(u.name()) == Result.OK) {
        ScramMechanism mechanism = ScramMechanism.forId(u.mechanism());
        upsertions
            .computeIfAbsent(u.name(), x -> new EnumMap<>(ScramMechanism.class))
            .put(
                mechanism,
                ScramCredential.fromSaltedPassword(
                    mechanism, u.salt(), u.saltedPassword(), u.iterations()));
      }
    }
    if (upsertions.isEmpty() && deletions.isEmpty()) {
      responder.respond(response(results, null), version);
      return;
    }
    store
        .alter(upsertions, deletions)
        .whenComplete(
            (done, e) -> {
              String failure = null;
              if (e != null) {
                log.error("cannot store SCRAM credentials", e);
                failure = "cannot store the credentials: " + e;
              }
              responder.respond(response(results, failure), version);
            });
  }

  /** The checks every entry gets, or null if it passes them. */
  private static Result common(
      boolean authorized, int sameUserAndMechanism, String user, ScramMechanism mechanism) {
    if (!authorized) {
      return Result.UNAUTHORIZED;
    }
    if (sameUserAndMechanism > 1) {
      return Result.DUPLICATE;
    }
    if (user.isEmpty()) {
      return Result.EMPTY_NAME;
    }
    return mechanism == null ? Result.UNKNOWN_MECHANISM : null;
  }

  /** Files an entry's outcome under its user: the user's first problem wins. */
  private static void record(Map<String, Result> results, String user, Result problem) {
    Result previous = results.get(user);
    if (previous == null || previous == Result.OK) {
      results.put(user, problem == null ? Result.OK : problem);
    }
  }

  private static AlterUserScramCredentialsResponse response(
      Map<String, Result> results, String storeFailure) {
    List<AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult> out = new ArrayList<>();
    results.forEach(
        (user, result) -> {
          AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult r =
              new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult().setUser(user);
          if (result == Result.OK && storeFailure != null) {
            r.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code()).setErrorMessage(storeFailure);
          } else if (result != Result.OK) {
            r.setErrorCode(result.error.code()).setErrorMessage(result.message);
          }
          out.add(r);
        });
    return new AlterUserScramCredentialsResponse().setResults(out);
  }

  /** A user's outcome, with Kafka's error and message. */
  private enum Result {
    OK(Errors.NONE, null),
    UNAUTHORIZED(Errors.CLUSTER_AUTHORIZATION_FAILED, "not authorized to alter SCRAM credentials"),
    DUPLICATE(
        Errors.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request"),
    EMPTY_NAME(Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty"),
    UNKNOWN_MECHANISM(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism"),
    TOO_FEW_ITERATIONS(Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations"),
    TOO_MANY_ITERATIONS(Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations"),
    EMPTY_CREDENTIAL(Errors.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty"),
    NOT_FOUND(Errors.RESOURCE_NOT_FOUND, "Attempt to delete a user credential that does not exist");

    final Errors error;
    final String message;

    Result(Errors error, String message) {
      this.error = error;
      this.message = message;
    }
  }
}
