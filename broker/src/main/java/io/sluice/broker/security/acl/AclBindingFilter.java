package io.sluice.broker.security.acl;

/**
 * Which ACLs a DescribeAcls or DeleteAcls names, with Kafka's matching rules: {@link
 * ResourceType#ANY}, {@link AclOperation#ANY}, {@link AclPermissionType#ANY} and a null name,
 * principal or host match everything; {@link PatternType#ANY} matches every pattern type with
 * exactly that name; {@link PatternType#MATCH} matches every ACL that would apply to a resource of
 * that name (the literal name, the literal {@code *} and the prefixes of the name). Immutable.
 */
public record AclBindingFilter(
    ResourceType type,
    String name,
    PatternType patternType,
    String principal,
    String host,
    AclOperation operation,
    AclPermissionType permission) {

  /** A filter that matches every ACL. */
  public static final AclBindingFilter ANY =
      new AclBindingFilter(
          ResourceType.ANY,
          null,
          PatternType.ANY,
          null,
          null,
          AclOperation.ANY,
          AclPermissionType.ANY);

  /** Why the filter is refused (INVALID_REQUEST), or null: an unknown enum value anywhere. */
  public String invalidReason() {
    if (type == ResourceType.UNKNOWN) {
      return "unknown resource type";
    }
    if (patternType == PatternType.UNKNOWN) {
      return "unknown pattern type";
    }
    if (operation == AclOperation.UNKNOWN) {
      return "unknown operation";
    }
    if (permission == AclPermissionType.UNKNOWN) {
      return "unknown permission type";
    }
    return null;
  }

  public boolean matches(AclBinding binding) {
    return matches(binding.pattern()) && matches(binding.entry());
  }

  /** Kafka's {@code ResourcePatternFilter.matches}. */
  boolean matches(ResourcePattern pattern) {
    if (type != ResourceType.ANY && type != pattern.type()) {
      return false;
    }
    if (patternType != PatternType.ANY
        && patternType != PatternType.MATCH
        && patternType != pattern.patternType()) {
      return false;
    }
    if (name == null) {
      return true;
    }
    if (patternType == PatternType.ANY || patternType == pattern.patternType()) {
      return name.equals(pattern.name());
    }
    return pattern.covers(name);
  }

  private boolean matches(AccessControlEntry entry) {
    return (principal == null || principal.equals(entry.principal()))
        && (host == null || host.equals(entry.host()))
        && (operation == AclOperation.ANY || operation == entry.operation())
        && (permission == AclPermissionType.ANY || permission == entry.permission());
  }
}
