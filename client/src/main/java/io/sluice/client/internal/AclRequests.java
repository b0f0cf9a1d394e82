package io.sluice.client.internal;

import io.sluice.client.AclBinding;
import io.sluice.client.AclFilter;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.CreateAclsRequest;
import io.sluice.protocol.message.CreateAclsResponse;
import io.sluice.protocol.message.DeleteAclsRequest;
import io.sluice.protocol.message.DeleteAclsResponse;
import io.sluice.protocol.message.DescribeAclsRequest;
import io.sluice.protocol.message.DescribeAclsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * CreateAcls, DescribeAcls and DeleteAcls for {@code Admin}, and Kafka's wire codes of the ACL
 * enums. An unknown name is an {@link IllegalArgumentException} naming it; a refusal by the broker
 * a {@link SluiceClientException} with its error code. Stateless and thread-safe.
 */
public final class AclRequests {
  private static final List<String> RESOURCE_TYPES =
      List.of(
          "UNKNOWN",
          "ANY",
          "TOPIC",
          "GROUP",
          "CLUSTER",
          "TRANSACTIONAL_ID",
          "DELEGATION_TOKEN",
          "USER");
  private static final List<String> PATTERN_TYPES =
      List.of("UNKNOWN", "ANY", "MATCH", "LITERAL", "PREFIXED");
  private static final List<String> OPERATIONS =
      List.of(
          "UNKNOWN",
          "ANY",
          "ALL",
          "READ",
          "WRITE",
          "CREATE",
          "DELETE",
          "ALTER",
          "DESCRIBE",
          "CLUSTER_ACTION",
          "DESCRIBE_CONFIGS",
          "ALTER_CONFIGS",
          "IDEMPOTENT_WRITE",
          "CREATE_TOKENS",
          "DESCRIBE_TOKENS");
  private static final List<String> PERMISSIONS = List.of("UNKNOWN", "ANY", "DENY", "ALLOW");

  private final NodeConnections connections;

  public AclRequests(NodeConnections connections) {
    this.connections = connections;
  }

  /** The wire code of {@code name} in {@code names} (case-insensitive); null means ANY. */
  static byte code(List<String> names, String name, String what) {
    if (name == null) {
      return 1; // ANY
    }
    int i = names.indexOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (i <= 0) {
      throw new IllegalArgumentException(
          "unknown " + what + " '" + name + "'; one of " + names.subList(1, names.size()));
    }
    return (byte) i;
  }

  static String name(List<String> names, byte code) {
    return code >= 0 && code < names.size() ? names.get(code) : "UNKNOWN";
  }

  public CompletableFuture<Void> create(List<AclBinding> bindings) {
    List<CreateAclsRequest.AclCreation> creations = new ArrayList<>();
    for (AclBinding b : bindings) {
      creations.add(
          new CreateAclsRequest.AclCreation()
              .setResourceType(code(RESOURCE_TYPES, b.resourceType(), "resource type"))
              .setResourceName(b.resourceName())
              .setResourcePatternType(code(PATTERN_TYPES, b.patternType(), "pattern type"))
              .setPrincipal(b.principal())
              .setHost(b.host())
              .setOperation(code(OPERATIONS, b.operation(), "operation"))
              .setPermissionType(code(PERMISSIONS, b.permission(), "permission")));
    }
    CreateAclsRequest request = new CreateAclsRequest().setCreations(creations);
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.CREATE_ACLS, request, CreateAclsResponse::read))
        .thenAccept(
            response -> {
              for (int i = 0; i < response.results().size(); i++) {
                CreateAclsResponse.AclCreationResult r = response.results().get(i);
                check(r.errorCode(), r.errorMessage(), "create " + bindings.get(i));
              }
            });
  }

  public CompletableFuture<List<AclBinding>> describe(AclFilter filter) {
    DescribeAclsRequest request =
        new DescribeAclsRequest()
            .setResourceTypeFilter(code(RESOURCE_TYPES, filter.resourceType(), "resource type"))
            .setResourceNameFilter(filter.resourceName())
            .setPatternTypeFilter(code(PATTERN_TYPES, filter.patternType(), "pattern type"))
            .setPrincipalFilter(filter.principal())
            .setHostFilter(filter.host())
            .setOperation(code(OPERATIONS, filter.operation(), "operation"))
            .setPermissionType(code(PERMISSIONS, filter.permission(), "permission"));
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.DESCRIBE_ACLS, request, DescribeAclsResponse::read))
        .thenApply(
            response -> {
              check(response.errorCode(), response.errorMessage(), "describe ACLs");
              List<AclBinding> out = new ArrayList<>();
              for (DescribeAclsResponse.DescribeAclsResource r : response.resources()) {
                for (DescribeAclsResponse.AclDescription a : r.acls()) {
                  out.add(
                      new AclBinding(
                          name(RESOURCE_TYPES, r.resourceType()),
                          r.resourceName(),
                          name(PATTERN_TYPES, r.patternType()),
                          a.principal(),
                          a.host(),
                          name(OPERATIONS, a.operation()),
                          name(PERMISSIONS, a.permissionType())));
                }
              }
              return out;
            });
  }

  public CompletableFuture<List<AclBinding>> delete(AclFilter filter) {
    DeleteAclsRequest request =
        new DeleteAclsRequest()
            .setFilters(
                List.of(
                    new DeleteAclsRequest.DeleteAclsFilter()
                        .setResourceTypeFilter(
                            code(RESOURCE_TYPES, filter.resourceType(), "resource type"))
                        .setResourceNameFilter(filter.resourceName())
                        .setPatternTypeFilter(
                            code(PATTERN_TYPES, filter.patternType(), "pattern type"))
                        .setPrincipalFilter(filter.principal())
                        .setHostFilter(filter.host())
                        .setOperation(code(OPERATIONS, filter.operation(), "operation"))
                        .setPermissionType(code(PERMISSIONS, filter.permission(), "permission"))));
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.DELETE_ACLS, request, DeleteAclsResponse::read))
        .thenApply(
            response -> {
              DeleteAclsResponse.DeleteAclsFilterResult r = response.filterResults().get(0);
              check(r.errorCode(), r.errorMessage(), "delete ACLs");
              List<AclBinding> out = new ArrayList<>();
              for (DeleteAclsResponse.DeleteAclsMatchingAcl a : r.matchingAcls()) {
                out.add(
                    new AclBinding(
                        name(RESOURCE_TYPES, a.resourceType()),
                        a.resourceName(),
                        name(PATTERN_TYPES, a.patternType()),
                        a.principal(),
                        a.host(),
                        name(OPERATIONS, a.operation()),
                        name(PERMISSIONS, a.permissionType())));
              }
              return out;
            });
  }

  private static void check(short code, String message, String what) {
    Errors error = Errors.forCode(code);
    if (error != Errors.NONE) {
      throw new SluiceClientException(
          error,
          null,
          "cannot " + what + ": " + error + (message == null ? "" : " (" + message + ")"),
          false,
          null);
    }
  }
}
