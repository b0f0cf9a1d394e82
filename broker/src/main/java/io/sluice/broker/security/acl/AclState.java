package io.sluice.broker.security.acl;

import java.util.Map;
import java.util.Set;

/**
 * Every ACL a store holds at one moment, with a generation that grows with every change the store
 * sees, so that an older state delivered late never replaces a newer one. Immutable by convention:
 * stores hand out copies.
 */
public record AclState(long generation, Map<ResourcePattern, Set<AccessControlEntry>> acls) {}
