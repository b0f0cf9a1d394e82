package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclBinding;
import io.sluice.broker.security.acl.AclBindingFilter;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.ResourcePattern;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeAclsRequest;
import io.sluice.protocol.message.DescribeAclsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DescribeAcls: needs DESCRIBE on the cluster; answers every ACL the filter matches, grouped by
 * resource pattern, from the authorizer's snapshot (on the event loop: no I/O). Errors are
 * top-level: SECURITY_DISABLED without an authorizer, INVALID_REQUEST for a filter with an unknown
 * value, CLUSTER_AUTHORIZATION_FAILED.
 */
final class DescribeAclsHandler extends VersionedHandler {
  private final Authorization authorization;

  DescribeAclsHandler(Authorization authorization) {
    super(ApiKey.DESCRIBE_ACLS, 1, 3);
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    DescribeAclsRequest req = DescribeAclsRequest.read(request.reader(), request.version());
    DescribeAclsResponse response = new DescribeAclsResponse();
    if (!authorization.enabled()) {
      respond(responder, request, response, Errors.SECURITY_DISABLED, Authorization.NO_AUTHORIZER);
      return;
    }
    if (!authorization.cluster(request, AclOperation.DESCRIBE)) {
      respond(responder, request, response, Errors.CLUSTER_AUTHORIZATION_FAILED, null);
      return;
    }
    AclBindingFilter filter = AclMessages.filter(req);
    String invalid = filter.invalidReason();
    if (invalid != null) {
      respond(responder, request, response, Errors.INVALID_REQUEST, invalid);
      return;
    }
    Map<ResourcePattern, DescribeAclsResponse.DescribeAclsResource> byPattern =
        new LinkedHashMap<>();
    for (AclBinding binding : authorization.authorizer().describe(filter)) {
      ResourcePattern pattern = binding.pattern();
      byPattern
          .computeIfAbsent(
              pattern,
              p ->
                  new DescribeAclsResponse.DescribeAclsResource()
                      .setResourceType(p.type().code())
                      .setResourceName(p.name())
                      .setPatternType(p.patternType().code()))
          .acls()
          .add(
              new DescribeAclsResponse.AclDescription()
                  .setPrincipal(binding.entry().principal())
                  .setHost(binding.entry().host())
                  .setOperation(binding.entry().operation().code())
                  .setPermissionType(binding.entry().permission().code()));
    }
    response.setResources(new ArrayList<>(byPattern.values()));
    responder.respond(response, request.version());
  }

  private static void respond(
      Responder responder,
      Request request,
      DescribeAclsResponse response,
      Errors error,
      String message) {
    responder.respond(
        response.setErrorCode(error.code()).setErrorMessage(message).setResources(List.of()),
        request.version());
  }
}
