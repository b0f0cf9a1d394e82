package io.sluice.broker.security.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of every ACL, indexed for the check on the request path.
 *
 * <p>Cost of a check for a resource {@code (type, name)}: one hash lookup for the literal name, one
 * for the literal {@code *}, and one per distinct prefix length among the PREFIXED ACLs of that
 * type (a lookup of {@code name.substring(0, length)}); then a walk over the entries of the
 * resources found, which are only the ACLs that apply to that resource. No check scans the ACLs of
 * other resources, so its cost does not grow with the number of topics or groups that have ACLs.
 *
 * <p>Thread-safe: never changes after construction; {@link Authorizer} swaps whole snapshots.
 */
final class AclIndex {
  private static final AccessControlEntry[] NONE = new AccessControlEntry[0];

  static final AclIndex EMPTY = new AclIndex(Map.of());

  private final Map<ResourcePattern, Set<AccessControlEntry>> all;
  private final Map<ResourceType, Map<String, AccessControlEntry[]>> literal =
      new EnumMap<>(ResourceType.class);
  private final Map<ResourceType, Map<String, AccessControlEntry[]>> prefixed =
      new EnumMap<>(ResourceType.class);
  private final Map<ResourceType, int[]> prefixLengths = new EnumMap<>(ResourceType.class);

  private AclIndex(Map<ResourcePattern, Set<AccessControlEntry>> acls) {
    Map<ResourcePattern, Set<AccessControlEntry>> copy = new TreeMap<>(AclIndex::compare);
    Map<ResourceType, Set<Integer>> lengths = new EnumMap<>(ResourceType.class);
    acls.forEach(
        (pattern, entries) -> {
          if (entries.isEmpty()) {
            return;
          }
          copy.put(pattern, Collections.unmodifiableSet(new LinkedHashSet<>(entries)));
          AccessControlEntry[] array = entries.toArray(NONE);
          if (pattern.patternType() == PatternType.LITERAL) {
            literal
                .computeIfAbsent(pattern.type(), t -> new HashMap<>())
                .put(pattern.name(), array);
          } else if (pattern.patternType() == PatternType.PREFIXED) {
            prefixed
                .computeIfAbsent(pattern.type(), t -> new HashMap<>())
                .put(pattern.name(), array);
            lengths
                .computeIfAbsent(pattern.type(), t -> new TreeSet<>())
                .add(pattern.name().length());
          }
        });
    lengths.forEach(
        (type, set) -> prefixLengths.put(type, set.stream().mapToInt(Integer::intValue).toArray()));
    this.all = Collections.unmodifiableMap(copy);
  }

  static AclIndex of(Map<ResourcePattern, Set<AccessControlEntry>> acls) {
    return new AclIndex(acls);
  }

  /** Every ACL by resource pattern, in a stable order (type, pattern type, name). */
  Map<ResourcePattern, Set<AccessControlEntry>> all() {
    return all;
  }

  int size() {
    int n = 0;
    for (Set<AccessControlEntry> entries : all.values()) {
      n += entries.size();
    }
    return n;
  }

  /**
   * Kafka's decision for one request: a DENY that applies wins; else an ALLOW that applies (with
   * implication) allows; else, when no ACL at all covers the resource, {@code allowIfNone}.
   */
  boolean authorize(
      String principal,
      String host,
      AclOperation op,
      ResourceType type,
      String name,
      boolean allowIfNone) {
    int found = 0;
    boolean allowed = false;
    Map<String, AccessControlEntry[]> literals = literal.get(type);
    if (literals != null) {
      AccessControlEntry[] exact = literals.get(name);
      if (exact != null) {
        found++;
        int d = decide(exact, principal, host, op);
        if (d < 0) {
          return false;
        }
        allowed |= d > 0;
      }
      AccessControlEntry[] wildcard =
          name.equals(ResourcePattern.WILDCARD) ? null : literals.get(ResourcePattern.WILDCARD);
      if (wildcard != null) {
        found++;
        int d = decide(wildcard, principal, host, op);
        if (d < 0) {
          return false;
        }
        allowed |= d > 0;
      }
    }
    int[] lengths = prefixLengths.get(type);
    if (lengths != null) {
      Map<String, AccessControlEntry[]> prefixes = prefixed.get(type);
      for (int length : lengths) {
        if (length > name.length()) {
          break; // sorted ascending
        }
        AccessControlEntry[] entries = prefixes.get(name.substring(0, length));
        if (entries != null) {
          found++;
          int d = decide(entries, principal, host, op);
          if (d < 0) {
            return false;
          }
          allowed |= d > 0;
        }
      }
    }
    return found == 0 ? allowIfNone : allowed;
  }

  /**
   * Kafka's check "may the principal do {@code op} on some resource of this type" (InitProducerId's
   * "WRITE on any topic"): an ALLOW that applies on some pattern of the type, unless a DENY that
   * applies covers that pattern (the same literal, the literal {@code *}, or a prefix of it); else,
   * when the type has no ACL at all, {@code allowIfNone}. Walks the type's ACLs: for rare requests
   * only, not the data path.
   */
  boolean authorizeAny(
      String principal, String host, AclOperation op, ResourceType type, boolean allowIfNone) {
    boolean anyOfType = false;
    List<ResourcePattern> denied = new ArrayList<>();
    List<ResourcePattern> allowed = new ArrayList<>();
    for (Map.Entry<ResourcePattern, Set<AccessControlEntry>> e : all.entrySet()) {
      if (e.getKey().type() != type) {
        continue;
      }
      anyOfType = true;
      for (AccessControlEntry entry : e.getValue()) {
        if (!entry.appliesTo(principal, host)) {
          continue;
        }
        if (entry.permission() == AclPermissionType.DENY && entry.operation().denies(op)) {
          denied.add(e.getKey());
        } else if (entry.permission() == AclPermissionType.ALLOW && entry.operation().allows(op)) {
          allowed.add(e.getKey());
        }
      }
    }
    for (ResourcePattern allow : allowed) {
      boolean covered = false;
      for (ResourcePattern deny : denied) {
        if (deny.patternType() == PatternType.LITERAL
                && (deny.name().equals(ResourcePattern.WILDCARD)
                    || (allow.patternType() == PatternType.LITERAL
                        && deny.name().equals(allow.name())))
            || deny.patternType() == PatternType.PREFIXED && allow.name().startsWith(deny.name())) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return true;
      }
    }
    return !anyOfType && allowIfNone;
  }

  /** -1 if a DENY applies, 1 if an ALLOW applies (and no DENY), else 0. */
  private static int decide(
      AccessControlEntry[] entries, String principal, String host, AclOperation op) {
    int result = 0;
    for (AccessControlEntry entry : entries) {
      if (!entry.appliesTo(principal, host)) {
        continue;
      }
      if (entry.permission() == AclPermissionType.DENY) {
        if (entry.operation().denies(op)) {
          return -1;
        }
      } else if (entry.operation().allows(op)) {
        result = 1;
      }
    }
    return result;
  }

  /** Every binding the filter matches. */
  List<AclBinding> matching(AclBindingFilter filter) {
    List<AclBinding> out = new ArrayList<>();
    all.forEach(
        (pattern, entries) -> {
          for (AccessControlEntry entry : entries) {
            AclBinding binding = new AclBinding(pattern, entry);
            if (filter.matches(binding)) {
              out.add(binding);
            }
          }
        });
    return out;
  }

  private static int compare(ResourcePattern a, ResourcePattern b) {
    int c = a.type().compareTo(b.type());
    if (c == 0) {
      c = a.patternType().compareTo(b.patternType());
    }
    return c != 0 ? c : a.name().compareTo(b.name());
  }
}
