package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclBinding;
import io.sluice.broker.security.acl.Authorizer;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.CreateAclsRequest;
import io.sluice.protocol.message.CreateAclsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * CreateAcls: needs ALTER on the cluster; each creation gets its own result. Without an authorizer
 * every creation is answered SECURITY_DISABLED. The store's write runs on the admin thread and the
 * answer is sent from there.
 */
final class CreateAclsHandler extends VersionedHandler {
  private final Authorization authorization;

  CreateAclsHandler(Authorization authorization) {
    super(ApiKey.CREATE_ACLS, 1, 3);
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    CreateAclsRequest req = CreateAclsRequest.read(request.reader(), request.version());
    Errors refusal = authorization.aclChangeRefusal(request);
    if (refusal != Errors.NONE) {
      List<CreateAclsResponse.AclCreationResult> results = new ArrayList<>();
      for (int i = 0; i < req.creations().size(); i++) {
        results.add(
            new CreateAclsResponse.AclCreationResult()
                .setErrorCode(refusal.code())
                .setErrorMessage(
                    refusal == Errors.SECURITY_DISABLED ? Authorization.NO_AUTHORIZER : null));
      }
      responder.respond(new CreateAclsResponse().setResults(results), request.version());
      return;
    }
    List<AclBinding> bindings = new ArrayList<>();
    for (CreateAclsRequest.AclCreation creation : req.creations()) {
      bindings.add(AclMessages.binding(creation));
    }
    authorization
        .authorizer()
        .create(bindings)
        .whenComplete(
            (outcomes, failure) -> {
              List<CreateAclsResponse.AclCreationResult> results = new ArrayList<>();
              for (int i = 0; i < bindings.size(); i++) {
                Authorizer.Outcome outcome = failure == null ? outcomes.get(i) : null;
                results.add(
                    new CreateAclsResponse.AclCreationResult()
                        .setErrorCode(
                            outcome == null
                                ? Errors.UNKNOWN_SERVER_ERROR.code()
                                : outcome.error().code())
                        .setErrorMessage(
                            outcome == null ? String.valueOf(failure) : outcome.message()));
              }
              responder.respond(new CreateAclsResponse().setResults(results), request.version());
            });
  }
}
