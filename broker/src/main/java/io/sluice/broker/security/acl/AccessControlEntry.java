package io.sluice.broker.security.acl;

import java.util.Objects;

/**
 * Who may (or may not) do what from where: a principal ({@code User:alice}, or {@code User:*} for
 * every principal), a host (an IP address, or {@code *} for every host), an operation and ALLOW or
 * DENY. Immutable.
 */
public record AccessControlEntry(
    String principal, String host, AclOperation operation, AclPermissionType permission) {
  /** The principal that matches every principal. */
  public static final String WILDCARD_PRINCIPAL = "User:*";

  /** The host that matches every host. */
  public static final String WILDCARD_HOST = "*";

  public AccessControlEntry {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(permission, "permission");
  }

  /** Whether this entry applies to a request from {@code who} at {@code fromHost}. */
  boolean appliesTo(String who, String fromHost) {
    return (principal.equals(WILDCARD_PRINCIPAL) || principal.equals(who))
        && (host.equals(WILDCARD_HOST) || host.equals(fromHost));
  }

  @Override
  public String toString() {
    return principal + " " + permission.jsonName() + " " + operation.jsonName() + " from " + host;
  }
}
