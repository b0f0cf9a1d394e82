package io.sluice.broker.security.acl;

import static io.sluice.broker.security.acl.AclOperation.ALL;
import static io.sluice.broker.security.acl.AclOperation.ALTER;
import static io.sluice.broker.security.acl.AclOperation.ALTER_CONFIGS;
import static io.sluice.broker.security.acl.AclOperation.CREATE;
import static io.sluice.broker.security.acl.AclOperation.DELETE;
import static io.sluice.broker.security.acl.AclOperation.DESCRIBE;
import static io.sluice.broker.security.acl.AclOperation.DESCRIBE_CONFIGS;
import static io.sluice.broker.security.acl.AclOperation.READ;
import static io.sluice.broker.security.acl.AclOperation.WRITE;
import static io.sluice.broker.security.acl.AclPermissionType.ALLOW;
import static io.sluice.broker.security.acl.AclPermissionType.DENY;
import static io.sluice.broker.security.acl.ResourceType.CLUSTER;
import static io.sluice.broker.security.acl.ResourceType.GROUP;
import static io.sluice.broker.security.acl.ResourceType.TOPIC;
import static io.sluice.broker.security.acl.ResourceType.TRANSACTIONAL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.testing.ExpectedLogs;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Kafka's authorization rules, on the authorizer alone (an in-memory store). */
class AuthorizerTest {
  private static final String ALICE = "User:alice";
  private static final String BOB = "User:bob";
  private static final String HOST = "10.0.0.1";

  /** A store in memory (the file and ZooKeeper stores have their own tests). */
  static final class MemoryStore implements AclStore {
    final Map<ResourcePattern, Set<AccessControlEntry>> acls = new HashMap<>();
    long generation;
    boolean fail;
    java.util.function.Consumer<AclState> listener;

    @Override
    public void watch(java.util.function.Consumer<AclState> listener) {
      this.listener = listener;
    }

    @Override
    public AclState load() {
      return new AclState(generation, Map.copyOf(acls));
    }

    @Override
    public AclState update(Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes) {
      if (fail) {
        throw new IllegalStateException("disk on fire");
      }
      changes.forEach(
          (p, change) -> {
            Set<AccessControlEntry> next = change.apply(acls.getOrDefault(p, Set.of()));
            if (next.isEmpty()) {
              acls.remove(p);
            } else {
              acls.put(p, new LinkedHashSet<>(next));
            }
          });
      generation++;
      return load();
    }
  }

  private final MemoryStore store = new MemoryStore();

  private Authorizer authorizer(String superUsers, boolean allowEveryone) {
    return Authorizer.open(
        new AuthorizerConfig(
            true, superUsers.isEmpty() ? Set.of() : Set.of(superUsers.split(";")), allowEveryone),
        store,
        Runnable::run);
  }

  private static AclBinding acl(
      ResourceType type,
      String name,
      PatternType patternType,
      String principal,
      String host,
      AclOperation op,
      AclPermissionType permission) {
    return new AclBinding(
        new ResourcePattern(type, name, patternType),
        new AccessControlEntry(principal, host, op, permission));
  }

  private static AclBinding allow(
      ResourceType type, String name, String principal, AclOperation op) {
    return acl(type, name, PatternType.LITERAL, principal, "*", op, ALLOW);
  }

  private static void create(Authorizer authorizer, AclBinding... bindings) {
    List<Authorizer.Outcome> outcomes = authorizer.create(List.of(bindings)).join();
    for (Authorizer.Outcome outcome : outcomes) {
      assertEquals(Errors.NONE, outcome.error(), outcome.message());
    }
  }

  @Test
  void literal_allowsThatNameOnly_andNothingElse() {
    Authorizer a = authorizer("", false);
    create(a, allow(TOPIC, "orders", ALICE, READ));
    assertTrue(a.authorize(ALICE, HOST, READ, TOPIC, "orders"));
    assertFalse(a.authorize(ALICE, HOST, WRITE, TOPIC, "orders"), "other operation");
    assertFalse(a.authorize(BOB, HOST, READ, TOPIC, "orders"), "other principal");
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "orders2"), "other name");
    assertFalse(a.authorize(ALICE, HOST, READ, GROUP, "orders"), "other resource type");
  }

  @Test
  void eachResourceType_allowedOnlyWithItsAcl() {
    for (ResourceType type : List.of(TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID)) {
      MemoryStore fresh = new MemoryStore();
      Authorizer a =
          Authorizer.open(new AuthorizerConfig(true, Set.of(), false), fresh, Runnable::run);
      String name = type == CLUSTER ? ResourceType.CLUSTER_NAME : "r1";
      assertFalse(a.authorize(ALICE, HOST, ALTER, type, name), type + " without ACL");
      create(a, allow(type, name, ALICE, ALTER));
      assertTrue(a.authorize(ALICE, HOST, ALTER, type, name), type + " with ACL");
      assertFalse(a.authorize(BOB, HOST, ALTER, type, name), type + " other principal");
    }
  }

  @Test
  void literalWildcard_coversEveryName() {
    Authorizer a = authorizer("", false);
    create(a, allow(TOPIC, "*", ALICE, WRITE));
    assertTrue(a.authorize(ALICE, HOST, WRITE, TOPIC, "anything"));
    assertTrue(a.authorize(ALICE, HOST, WRITE, TOPIC, "*"));
    assertFalse(a.authorize(ALICE, HOST, WRITE, GROUP, "anything"));
  }

  @Test
  void prefixed_coversNamesStartingWithIt() {
    Authorizer a = authorizer("", false);
    create(a, acl(TOPIC, "sales-", PatternType.PREFIXED, ALICE, "*", READ, ALLOW));
    create(a, acl(TOPIC, "s", PatternType.PREFIXED, BOB, "*", READ, ALLOW));
    assertTrue(a.authorize(ALICE, HOST, READ, TOPIC, "sales-eu"));
    assertTrue(a.authorize(ALICE, HOST, READ, TOPIC, "sales-"));
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "sales"), "shorter than the prefix");
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "xsales-eu"));
    assertTrue(a.authorize(BOB, HOST, READ, TOPIC, "sales-eu"), "a shorter prefix applies too");
    assertFalse(a.authorize(BOB, HOST, READ, TOPIC, "orders"));
  }

  @Test
  void deny_winsOverAllow_literalPrefixedAndWildcard() {
    Authorizer a = authorizer("", false);
    create(
        a,
        acl(TOPIC, "*", PatternType.LITERAL, ALICE, "*", ALL, ALLOW),
        acl(TOPIC, "secret-", PatternType.PREFIXED, ALICE, "*", READ, DENY),
        acl(TOPIC, "payroll", PatternType.LITERAL, "User:*", "*", ALL, DENY));
    assertTrue(a.authorize(ALICE, HOST, READ, TOPIC, "public"));
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "secret-plans"), "prefixed DENY READ");
    assertTrue(a.authorize(ALICE, HOST, WRITE, TOPIC, "secret-plans"), "the DENY names READ only");
    assertTrue(
        a.authorize(ALICE, HOST, DESCRIBE, TOPIC, "secret-plans"),
        "a DENY of READ does not deny DESCRIBE");
    assertFalse(a.authorize(ALICE, HOST, DESCRIBE, TOPIC, "payroll"), "DENY ALL for User:*");
  }

  @Test
  void implication_describeFromReadWriteDeleteAlter_describeConfigsFromAlterConfigs() {
    Authorizer a = authorizer("", false);
    for (AclOperation op : List.of(READ, WRITE, DELETE, ALTER)) {
      create(a, allow(TOPIC, "t-" + op, ALICE, op));
      assertTrue(a.authorize(ALICE, HOST, DESCRIBE, TOPIC, "t-" + op), op + " implies DESCRIBE");
      assertFalse(a.authorize(ALICE, HOST, CREATE, TOPIC, "t-" + op));
    }
    create(a, allow(TOPIC, "c", ALICE, ALTER_CONFIGS));
    assertTrue(a.authorize(ALICE, HOST, DESCRIBE_CONFIGS, TOPIC, "c"));
    assertFalse(a.authorize(ALICE, HOST, DESCRIBE, TOPIC, "c"), "ALTER_CONFIGS is not ALTER");
    create(a, allow(TOPIC, "d", ALICE, DESCRIBE));
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "d"), "DESCRIBE does not imply READ");
    create(a, allow(TOPIC, "all", ALICE, ALL));
    assertTrue(a.authorize(ALICE, HOST, AclOperation.CLUSTER_ACTION, TOPIC, "all"));
  }

  @Test
  void host_mustMatchUnlessWildcard() {
    Authorizer a = authorizer("", false);
    create(a, acl(TOPIC, "t", PatternType.LITERAL, ALICE, "10.0.0.1", READ, ALLOW));
    assertTrue(a.authorize(ALICE, "10.0.0.1", READ, TOPIC, "t"));
    assertFalse(a.authorize(ALICE, "10.0.0.2", READ, TOPIC, "t"));
  }

  @Test
  void wildcardPrincipal_appliesToEveryone() {
    Authorizer a = authorizer("", false);
    create(a, allow(GROUP, "g", "User:*", READ));
    assertTrue(a.authorize(ALICE, HOST, READ, GROUP, "g"));
    assertTrue(a.authorize("User:ANONYMOUS", HOST, READ, GROUP, "g"));
  }

  @Test
  void superUser_allowedEverything_evenWithDeny() {
    Authorizer a = authorizer("User:admin;User:CN=broker", false);
    create(a, acl(TOPIC, "t", PatternType.LITERAL, "User:*", "*", ALL, DENY));
    assertTrue(a.authorize("User:admin", HOST, WRITE, TOPIC, "t"));
    assertTrue(
        a.authorize("User:CN=broker", HOST, AclOperation.CLUSTER_ACTION, CLUSTER, "kafka-cluster"));
    assertFalse(a.authorize(ALICE, HOST, WRITE, TOPIC, "t"));
  }

  @Test
  void allowEveryoneIfNoAclFound_onlyForResourcesNoAclCovers() {
    Authorizer open = authorizer("", true);
    assertTrue(open.authorize(ALICE, HOST, WRITE, TOPIC, "free"));
    create(open, allow(TOPIC, "guarded", BOB, WRITE));
    assertFalse(
        open.authorize(ALICE, HOST, WRITE, TOPIC, "guarded"), "an ACL covers it: no fallback");
    assertTrue(open.authorize(ALICE, HOST, WRITE, TOPIC, "free"));

    MemoryStore other = new MemoryStore();
    Authorizer closed =
        Authorizer.open(new AuthorizerConfig(true, Set.of(), false), other, Runnable::run);
    assertFalse(closed.authorize(ALICE, HOST, WRITE, TOPIC, "free"), "false by default");
  }

  @Test
  void create_invalidBindings_refusedOneByOne_validOnesStored() {
    Authorizer a = authorizer("", false);
    List<Authorizer.Outcome> outcomes =
        a.create(
                List.of(
                    allow(TOPIC, "ok", ALICE, READ),
                    allow(CLUSTER, "not-the-cluster", ALICE, ALTER),
                    acl(TOPIC, "t", PatternType.MATCH, ALICE, "*", READ, ALLOW),
                    allow(TOPIC, "t", "alice", READ),
                    allow(TOPIC, "", ALICE, READ),
                    allow(ResourceType.ANY, "t", ALICE, READ),
                    allow(TOPIC, "t", ALICE, AclOperation.ANY)))
            .join();
    assertEquals(Errors.NONE, outcomes.get(0).error());
    for (int i = 1; i < outcomes.size(); i++) {
      assertEquals(Errors.INVALID_REQUEST, outcomes.get(i).error(), "binding " + i);
    }
    assertTrue(outcomes.get(1).message().contains("kafka-cluster"), outcomes.get(1).message());
    assertEquals(1, a.describe(AclBindingFilter.ANY).size());
  }

  @Test
  void create_storeFails_unknownServerError_andNothingPublished() {
    Authorizer a = authorizer("", false);
    store.fail = true;
    ExpectedLogs.Expectation logged =
        ExpectedLogs.error(Authorizer.class, "cannot store an ACL change");
    List<Authorizer.Outcome> outcomes = a.create(List.of(allow(TOPIC, "t", ALICE, READ))).join();
    assertEquals(Errors.UNKNOWN_SERVER_ERROR, outcomes.get(0).error());
    assertEquals("disk on fire", outcomes.get(0).message());
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "t"));
    assertEquals(1, logged.count());
  }

  @Test
  void filters_kafkaMatchingRules() {
    Authorizer a = authorizer("", false);
    create(
        a,
        allow(TOPIC, "orders", ALICE, READ),
        allow(TOPIC, "*", BOB, READ),
        acl(TOPIC, "ord", PatternType.PREFIXED, BOB, "*", WRITE, ALLOW),
        allow(GROUP, "orders", ALICE, READ));
    assertEquals(4, a.describe(AclBindingFilter.ANY).size());
    // MATCH: every ACL that applies to the topic "orders"
    assertEquals(
        3, a.describe(filter(TOPIC, "orders", PatternType.MATCH, null, AclOperation.ANY)).size());
    // ANY pattern type: that exact name only
    assertEquals(
        1, a.describe(filter(TOPIC, "orders", PatternType.ANY, null, AclOperation.ANY)).size());
    assertEquals(
        1, a.describe(filter(TOPIC, "ord", PatternType.PREFIXED, null, AclOperation.ANY)).size());
    assertEquals(
        2,
        a.describe(filter(ResourceType.ANY, null, PatternType.ANY, ALICE, AclOperation.ANY))
            .size());
    assertEquals(
        1, a.describe(filter(ResourceType.ANY, null, PatternType.ANY, null, WRITE)).size());
    assertNull(filter(TOPIC, null, PatternType.ANY, null, READ).invalidReason());
    assertEquals(
        "unknown operation",
        filter(TOPIC, null, PatternType.ANY, null, AclOperation.UNKNOWN).invalidReason());
  }

  @Test
  void delete_removesWhatTheFiltersMatch_andReportsIt() {
    Authorizer a = authorizer("", false);
    create(
        a,
        allow(TOPIC, "orders", ALICE, READ),
        allow(TOPIC, "orders", BOB, READ),
        allow(GROUP, "g", ALICE, READ));
    List<Authorizer.Outcome> outcomes =
        a.delete(
                List.of(
                    filter(TOPIC, "orders", PatternType.LITERAL, BOB, AclOperation.ANY),
                    filter(ResourceType.UNKNOWN, null, PatternType.ANY, null, AclOperation.ANY),
                    filter(TOPIC, "nothing", PatternType.LITERAL, null, AclOperation.ANY)))
            .join();
    assertEquals(List.of(allow(TOPIC, "orders", BOB, READ)), outcomes.get(0).deleted());
    assertEquals(Errors.INVALID_REQUEST, outcomes.get(1).error());
    assertEquals(List.of(), outcomes.get(2).deleted());
    assertFalse(a.authorize(BOB, HOST, READ, TOPIC, "orders"));
    assertTrue(a.authorize(ALICE, HOST, READ, TOPIC, "orders"));
    assertEquals(2, store.acls.values().stream().mapToInt(Set::size).sum());

    a.delete(List.of(AclBindingFilter.ANY)).join();
    assertEquals(Map.of(), store.acls);
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "orders"));
  }

  @Test
  void watchedStates_olderOnesIgnored_newerOnesPublished() {
    Authorizer a = authorizer("", false);
    create(a, allow(TOPIC, "t", ALICE, READ)); // generation 1
    ResourcePattern other = new ResourcePattern(TOPIC, "u", PatternType.LITERAL);
    Set<AccessControlEntry> bobReads = Set.of(new AccessControlEntry(BOB, "*", READ, ALLOW));
    store.listener.accept(new AclState(0, Map.of(other, bobReads)));
    assertTrue(a.authorize(ALICE, HOST, READ, TOPIC, "t"), "an older state is dropped");
    assertFalse(a.authorize(BOB, HOST, READ, TOPIC, "u"));
    store.listener.accept(new AclState(7, Map.of(other, bobReads)));
    assertTrue(a.authorize(BOB, HOST, READ, TOPIC, "u"), "another broker's change applied");
    assertFalse(a.authorize(ALICE, HOST, READ, TOPIC, "t"));
  }

  private static AclBindingFilter filter(
      ResourceType type, String name, PatternType patternType, String principal, AclOperation op) {
    return new AclBindingFilter(
        type, name, patternType, principal, null, op, AclPermissionType.ANY);
  }
}
