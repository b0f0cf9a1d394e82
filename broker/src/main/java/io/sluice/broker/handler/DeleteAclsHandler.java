package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclBinding;
import io.sluice.broker.security.acl.AclBindingFilter;
import io.sluice.broker.security.acl.Authorizer;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DeleteAclsRequest;
import io.sluice.protocol.message.DeleteAclsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * DeleteAcls: needs ALTER on the cluster; each filter's result lists the ACLs it deleted
 * (INVALID_REQUEST for a filter with an unknown value, SECURITY_DISABLED for every filter without
 * an authorizer). The store's write runs on the admin thread and the answer is sent from there.
 */
final class DeleteAclsHandler extends VersionedHandler {
  private final Authorization authorization;

  DeleteAclsHandler(Authorization authorization) {
    super(ApiKey.DELETE_ACLS, 1, 3);
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    DeleteAclsRequest req = DeleteAclsRequest.read(request.reader(), request.version());
    Errors refusal = authorization.aclChangeRefusal(request);
    if (refusal != Errors.NONE) {
      List<DeleteAclsResponse.DeleteAclsFilterResult> results = new ArrayList<>();
      for (int i = 0; i < req.filters().size(); i++) {
        results.add(
            new DeleteAclsResponse.DeleteAclsFilterResult()
                .setErrorCode(refusal.code())
                .setErrorMessage(
                    refusal == Errors.SECURITY_DISABLED ? Authorization.NO_AUTHORIZER : null));
      }
      responder.respond(new DeleteAclsResponse().setFilterResults(results), request.version());
      return;
    }
    List<AclBindingFilter> filters = new ArrayList<>();
    for (DeleteAclsRequest.DeleteAclsFilter filter : req.filters()) {
      filters.add(AclMessages.filter(filter));
    }
    authorization
        .authorizer()
        .delete(filters)
        .whenComplete(
            (outcomes, failure) -> {
              List<DeleteAclsResponse.DeleteAclsFilterResult> results = new ArrayList<>();
              for (int i = 0; i < filters.size(); i++) {
                results.add(result(failure == null ? outcomes.get(i) : null, failure));
              }
              responder.respond(
                  new DeleteAclsResponse().setFilterResults(results), request.version());
            });
  }

  private static DeleteAclsResponse.DeleteAclsFilterResult result(
      Authorizer.Outcome outcome, Throwable failure) {
    DeleteAclsResponse.DeleteAclsFilterResult result =
        new DeleteAclsResponse.DeleteAclsFilterResult();
    if (outcome == null) {
      return result
          .setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code())
          .setErrorMessage(String.valueOf(failure));
    }
    result.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
    for (AclBinding binding : outcome.deleted()) {
      result
          .matchingAcls()
          .add(
              new DeleteAclsResponse.DeleteAclsMatchingAcl()
                  .setResourceType(binding.pattern().type().code())
                  .setResourceName(binding.pattern().name())
                  .setPatternType(binding.pattern().patternType().code())
                  .setPrincipal(binding.entry().principal())
                  .setHost(binding.entry().host())
                  .setOperation(binding.entry().operation().code())
                  .setPermissionType(binding.entry().permission().code()));
    }
    return result;
  }
}
