package io.sluice.broker.security.acl;

import java.util.Objects;

/**
 * What an ACL applies to: a resource type, a name and how the name matches ({@link
 * PatternType#LITERAL}: that name, or every name for {@code *}; {@link PatternType#PREFIXED}: every
 * name starting with it). Immutable.
 */
public record ResourcePattern(ResourceType type, String name, PatternType patternType) {
  /** The literal name that matches every resource of its type. */
  public static final String WILDCARD = "*";

  public ResourcePattern {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(patternType, "patternType");
  }

  /** Whether this pattern covers the resource {@code resourceName} of its type. */
  public boolean covers(String resourceName) {
    return switch (patternType) {
      case LITERAL -> name.equals(WILDCARD) || name.equals(resourceName);
      case PREFIXED -> resourceName.startsWith(name);
      default -> false;
    };
  }

  @Override
  public String toString() {
    return type.zkName()
        + ":"
        + patternType.jsonName().toUpperCase(java.util.Locale.ROOT)
        + ":"
        + name;
  }
}
