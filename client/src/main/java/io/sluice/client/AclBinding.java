package io.sluice.client;

import java.util.Objects;

/**
 * One ACL, in Kafka's names: resource type ({@code TOPIC}, {@code GROUP}, {@code CLUSTER}, {@code
 * TRANSACTIONAL_ID}), resource name ({@code kafka-cluster} for the cluster), pattern type ({@code
 * LITERAL} or {@code PREFIXED}), principal ({@code User:alice}, {@code User:*}), host (an IP
 * address or {@code *}), operation ({@code READ}, {@code WRITE}, ..., {@code ALL}) and permission
 * ({@code ALLOW} or {@code DENY}). Immutable.
 */
public record AclBinding(
    String resourceType,
    String resourceName,
    String patternType,
    String principal,
    String host,
    String operation,
    String permission) {
  public AclBinding {
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(resourceName, "resourceName");
    Objects.requireNonNull(patternType, "patternType");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(permission, "permission");
  }
}
