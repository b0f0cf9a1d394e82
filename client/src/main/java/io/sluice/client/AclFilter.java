package io.sluice.client;

/**
 * Which ACLs {@link Admin#describeAcls} and {@link Admin#deleteAcls} name, with Kafka's matching: a
 * null field matches everything; {@code patternType} {@code ANY} (or null) matches every pattern
 * type with exactly that name, {@code MATCH} every ACL that applies to a resource of that name (its
 * literal name, the literal {@code *}, its prefixes). Immutable.
 */
public record AclFilter(
    String resourceType,
    String resourceName,
    String patternType,
    String principal,
    String host,
    String operation,
    String permission) {
  /** Every ACL. */
  public static final AclFilter ALL = new AclFilter(null, null, null, null, null, null, null);
}
