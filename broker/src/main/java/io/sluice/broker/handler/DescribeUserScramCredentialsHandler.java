package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.sasl.ScramCredential;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeUserScramCredentialsRequest;
import io.sluice.protocol.message.DescribeUserScramCredentialsResponse;
import io.sluice.protocol.sasl.ScramMechanism;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DescribeUserScramCredentials (what {@code kafka-configs --describe --entity-type users} and
 * {@code Admin.describeUserScramCredentials} send): each user's mechanisms and iteration counts,
 * never salts or keys. No user list (or an empty one) describes every user; a named user without
 * credentials gets {@code RESOURCE_NOT_FOUND}, a user named twice {@code DUPLICATE_RESOURCE}, with
 * Kafka's messages. Reads the store's snapshot on the event loop.
 */
final class DescribeUserScramCredentialsHandler extends VersionedHandler {
  private final ScramCredentialStore store;
  private final Authorization authorization;

  DescribeUserScramCredentialsHandler(ScramCredentialStore store, Authorization authorization) {
    super(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, 0);
    this.store = store;
    this.authorization = authorization;
  }

  /**
   * Whether the request's principal may describe credentials: {@code DESCRIBE} on the cluster, as
   * Kafka checks (everyone may without an authorizer).
   */
  private boolean mayDescribe(Request request) {
    return authorization.cluster(request, AclOperation.DESCRIBE);
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeUserScramCredentialsRequest req =
        DescribeUserScramCredentialsRequest.read(request.reader(), version);
    DescribeUserScramCredentialsResponse response = new DescribeUserScramCredentialsResponse();
    if (!mayDescribe(request)) {
      responder.respond(
          response
              .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
              .setErrorMessage("not authorized to describe SCRAM credentials"),
          version);
      return;
    }
    Map<String, Map<ScramMechanism, ScramCredential>> all = store.all();
    List<DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult> results =
        new ArrayList<>();
    if (req.users() == null || req.users().isEmpty()) {
      all.forEach((user, credentials) -> results.add(describe(user, credentials)));
    } else {
      Map<String, Integer> counts = new HashMap<>();
      req.users().forEach(u -> counts.merge(u.name(), 1, Integer::sum));
      for (String user : counts.keySet().stream().sorted().toList()) {
        Map<ScramMechanism, ScramCredential> credentials = all.get(user);
        if (counts.get(user) > 1) {
          results.add(
              error(
                  user,
                  Errors.DUPLICATE_RESOURCE,
                  "Cannot describe SCRAM credentials for the same user twice in a single request"));
        } else if (credentials == null || credentials.isEmpty()) {
          results.add(
              error(
                  user,
                  Errors.RESOURCE_NOT_FOUND,
                  "Attempt to describe a user credential that does not exist"));
        } else {
          results.add(describe(user, credentials));
        }
      }
    }
    responder.respond(response.setResults(results), version);
  }

  private static DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult describe(
      String user, Map<ScramMechanism, ScramCredential> credentials) {
    List<DescribeUserScramCredentialsResponse.CredentialInfo> infos = new ArrayList<>();
    credentials.forEach(
        (mechanism, credential) ->
            infos.add(
                new DescribeUserScramCredentialsResponse.CredentialInfo()
                    .setMechanism(mechanism.id())
                    .setIterations(credential.iterations())));
    return new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult()
        .setUser(user)
        .setCredentialInfos(infos);
  }

  private static DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult error(
      String user, Errors error, String message) {
    return new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult()
        .setUser(user)
        .setErrorCode(error.code())
        .setErrorMessage(message);
  }
}
