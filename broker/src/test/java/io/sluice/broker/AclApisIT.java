package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigException;
import io.sluice.broker.security.acl.AclFile;
import java.nio.file.Files;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * CreateAcls, DescribeAcls and DeleteAcls with kafka-clients' Admin: SECURITY_DISABLED without an
 * authorizer, Kafka's filter semantics, the cluster permission they need, and ACLs surviving a
 * restart (the single-node file).
 */
class AclApisIT {
  static final String STANDARD = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  private static AclBinding binding(
      ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  private static final AclBinding ALICE_READS_ORDERS =
      binding(ResourceType.TOPIC, "orders", PatternType.LITERAL, "User:alice", AclOperation.READ);
  private static final AclBinding BOB_WRITES_SALES =
      binding(ResourceType.TOPIC, "sales-", PatternType.PREFIXED, "User:bob", AclOperation.WRITE);
  private static final AclBinding ALICE_READS_GROUP =
      binding(ResourceType.GROUP, "app", PatternType.LITERAL, "User:alice", AclOperation.READ);
  private static final AclBinding BOB_TXN =
      binding(
          ResourceType.TRANSACTIONAL_ID, "tx", PatternType.LITERAL, "User:bob", AclOperation.WRITE);
  private static final AclBinding BOB_CLUSTER =
      new AclBinding(
          new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
          new AccessControlEntry(
              "User:bob", "10.0.0.7", AclOperation.CLUSTER_ACTION, AclPermissionType.DENY));

  @Test
  void noAuthorizer_everyAclApi_securityDisabled() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      ExecutionException create =
          assertThrows(
              ExecutionException.class,
              () -> admin.createAcls(List.of(ALICE_READS_ORDERS)).all().get());
      assertInstanceOf(SecurityDisabledException.class, create.getCause());
      ExecutionException describe =
          assertThrows(
              ExecutionException.class,
              () -> admin.describeAcls(AclBindingFilter.ANY).values().get());
      assertInstanceOf(SecurityDisabledException.class, describe.getCause());
      ExecutionException delete =
          assertThrows(
              ExecutionException.class,
              () -> admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get());
      assertInstanceOf(SecurityDisabledException.class, delete.getCause());
    }
  }

  @Test
  void createDescribeDelete_kafkaFilters_andSurviveRestart() throws Exception {
    Map<String, String> config =
        Map.of("authorizer.class.name", STANDARD, "super.users", "User:ANONYMOUS");
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      List<AclBinding> all =
          List.of(ALICE_READS_ORDERS, BOB_WRITES_SALES, ALICE_READS_GROUP, BOB_TXN, BOB_CLUSTER);
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        admin.createAcls(all).all().get();
        assertEquals(new HashSet<>(all), describe(admin, AclBindingFilter.ANY));
        // MATCH: the ACLs that apply to the topic sales-eu
        assertEquals(
            Set.of(BOB_WRITES_SALES),
            describe(
                admin,
                new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, "sales-eu", PatternType.MATCH),
                    AccessControlEntryFilter.ANY)));
        assertEquals(
            Set.of(ALICE_READS_ORDERS, ALICE_READS_GROUP),
            describe(
                admin,
                new AclBindingFilter(
                    ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter(
                        "User:alice", null, AclOperation.ANY, AclPermissionType.ANY))));
      }
      assertTrue(Files.exists(broker.dataDir().resolve(AclFile.FILE_NAME)));

      broker.restart();
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        assertEquals(
            Set.of(ALICE_READS_ORDERS, BOB_WRITES_SALES, ALICE_READS_GROUP, BOB_TXN, BOB_CLUSTER),
            describe(admin, AclBindingFilter.ANY),
            "after a restart");
        Collection<AclBinding> deleted =
            admin
                .deleteAcls(
                    List.of(
                        new AclBindingFilter(
                            new ResourcePatternFilter(ResourceType.ANY, null, PatternType.ANY),
                            new AccessControlEntryFilter(
                                "User:bob", null, AclOperation.ANY, AclPermissionType.ANY))))
                .all()
                .get();
        assertEquals(Set.of(BOB_WRITES_SALES, BOB_TXN, BOB_CLUSTER), new HashSet<>(deleted));
      }
      broker.restart();
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        assertEquals(
            Set.of(ALICE_READS_ORDERS, ALICE_READS_GROUP), describe(admin, AclBindingFilter.ANY));
      }
    }
  }

  @Test
  void invalidBinding_invalidRequest_othersCreated() throws Exception {
    Map<String, String> config =
        Map.of("authorizer.class.name", STANDARD, "super.users", "User:ANONYMOUS");
    try (EmbeddedBroker broker = EmbeddedBroker.start(config);
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      AclBinding badCluster =
          binding(
              ResourceType.CLUSTER,
              "my-cluster",
              PatternType.LITERAL,
              "User:a",
              AclOperation.ALTER);
      var result = admin.createAcls(List.of(ALICE_READS_ORDERS, badCluster)).values();
      result.get(ALICE_READS_ORDERS).get();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> result.get(badCluster).get());
      assertInstanceOf(InvalidRequestException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("kafka-cluster"), e.getCause().getMessage());
      assertEquals(Set.of(ALICE_READS_ORDERS), describe(admin, AclBindingFilter.ANY));
    }
  }

  @Test
  void callerWithoutClusterPermission_clusterAuthorizationFailed() throws Exception {
    // Open while no ACL covers the cluster; an ACL for another principal then closes it.
    Map<String, String> config =
        Map.of("authorizer.class.name", STANDARD, "allow.everyone.if.no.acl.found", "true");
    try (EmbeddedBroker broker = EmbeddedBroker.start(config);
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      AclBinding adminAlters =
          binding(
              ResourceType.CLUSTER,
              "kafka-cluster",
              PatternType.LITERAL,
              "User:admin",
              AclOperation.ALTER);
      admin.createAcls(List.of(adminAlters)).all().get();
      ExecutionException create =
          assertThrows(
              ExecutionException.class,
              () -> admin.createAcls(List.of(ALICE_READS_ORDERS)).all().get());
      assertInstanceOf(ClusterAuthorizationException.class, create.getCause());
      ExecutionException describe =
          assertThrows(
              ExecutionException.class,
              () -> admin.describeAcls(AclBindingFilter.ANY).values().get());
      assertInstanceOf(ClusterAuthorizationException.class, describe.getCause());
      ExecutionException delete =
          assertThrows(
              ExecutionException.class,
              () -> admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get());
      assertInstanceOf(ClusterAuthorizationException.class, delete.getCause());
    }
  }

  @Test
  void authorizerClassName_kafkasTwoAccepted_othersRefusedByName() {
    BrokerConfig legacy =
        BrokerConfig.from(
            Map.of("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"));
    assertTrue(io.sluice.broker.security.acl.AuthorizerConfig.from(legacy).enabled());
    assertEquals(
        false,
        io.sluice.broker.security.acl.AuthorizerConfig.from(BrokerConfig.defaults()).enabled());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                EmbeddedBroker.start(Map.of("authorizer.class.name", "com.example.MyAuthorizer")));
    assertTrue(e.getMessage().contains("com.example.MyAuthorizer"), e.getMessage());
    ConfigException superUsers =
        assertThrows(
            ConfigException.class,
            () ->
                EmbeddedBroker.start(
                    Map.of("authorizer.class.name", STANDARD, "super.users", "admin")));
    assertTrue(superUsers.getMessage().contains("super.users"), superUsers.getMessage());
  }

  private static Set<AclBinding> describe(Admin admin, AclBindingFilter filter) throws Exception {
    return new HashSet<>(admin.describeAcls(filter).values().get());
  }
}
