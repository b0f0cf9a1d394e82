package io.sluice.broker.security.acl;

import java.util.Objects;

/** One ACL: a resource pattern and an access control entry. Immutable. */
public record AclBinding(ResourcePattern pattern, AccessControlEntry entry) {
  public AclBinding {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(entry, "entry");
  }

  /**
   * Why this binding cannot be stored, or null if it can: the checks Kafka makes before it creates
   * an ACL (a concrete resource type, pattern type, operation and permission; a non-empty name; the
   * cluster resource named {@code kafka-cluster}; a principal of the form {@code Type:name}).
   */
  public String invalidReason() {
    ResourceType type = pattern.type();
    if (!type.supported()) {
      return "resource type " + type + " is not supported";
    }
    if (!pattern.patternType().specific()) {
      return "pattern type must be LITERAL or PREFIXED, not " + pattern.patternType();
    }
    if (pattern.name().isEmpty()) {
      return "resource name must not be empty";
    }
    if (type == ResourceType.CLUSTER && !pattern.name().equals(ResourceType.CLUSTER_NAME)) {
      return "the only valid name for the CLUSTER resource is " + ResourceType.CLUSTER_NAME;
    }
    if (pattern.patternType() == PatternType.PREFIXED && pattern.name().equals("*")) {
      return "a PREFIXED pattern cannot be '*'; use LITERAL '*' for every resource";
    }
    AclOperation op = entry.operation();
    if (op == AclOperation.ANY || op == AclOperation.UNKNOWN) {
      return "operation must not be " + op;
    }
    AclPermissionType permission = entry.permission();
    if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
      return "permission type must be ALLOW or DENY, not " + permission;
    }
    int colon = entry.principal().indexOf(':');
    if (colon <= 0 || colon == entry.principal().length() - 1) {
      return "principal '" + entry.principal() + "' is not of the form Type:name";
    }
    if (entry.host().isEmpty()) {
      return "host must not be empty";
    }
    return null;
  }

  @Override
  public String toString() {
    return pattern + " " + entry;
  }
}
