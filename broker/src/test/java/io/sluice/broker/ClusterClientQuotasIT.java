package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;

/**
 * Client quotas in cluster mode: stored in ZooKeeper with Kafka's layout ({@code
 * /config/users/<user>}, {@code /config/users/<user>/clients/<client-id>}, {@code
 * /config/clients/<client-id>}, {@code <default>}), so a quota set through broker 1 is described by
 * broker 2; a user's node is shared with its SCRAM credentials, and neither store clobbers the
 * other's keys.
 */
class ClusterClientQuotasIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static ClientQuotaEntity entity(String... typeAndName) {
    Map<String, String> parts = new HashMap<>();
    for (int i = 0; i < typeAndName.length; i += 2) {
      parts.put(typeAndName[i], typeAndName[i + 1]);
    }
    return new ClientQuotaEntity(parts);
  }

  private static ClientQuotaAlteration set(ClientQuotaEntity entity, String key, Double value) {
    return new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op(key, value)));
  }

  private static Map<ClientQuotaEntity, Map<String, Double>> all(Admin admin) {
    try {
      return admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void quotaSetOnOneBroker_describedOnTheOther_sharesUserNodesWithScram() throws Exception {
    try (InProcessCluster cluster =
            InProcessCluster.launch(
                2,
                Map.of(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
                    "sasl.enabled.mechanisms",
                    "SCRAM-SHA-256"));
        Admin one = Admin.create(KafkaClients.admin(cluster.broker(1).bootstrapServers()));
        Admin two = Admin.create(KafkaClients.admin(cluster.broker(2).bootstrapServers()));
        CuratorFramework zk =
            CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100))) {
      zk.start();
      ClientQuotaEntity alice = entity("user", "alice");
      ClientQuotaEntity aliceApp = entity("user", "alice", "client-id", "app");
      ClientQuotaEntity defaultClient = entity("client-id", null);
      one.alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      "alice",
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                      "alice-secret")))
          .all()
          .get();
      one.alterClientQuotas(
              List.of(
                  set(alice, "producer_byte_rate", 100000.0),
                  set(aliceApp, "consumer_byte_rate", 2048.0),
                  set(defaultClient, "producer_byte_rate", 1000.0)))
          .all()
          .get();
      Map<ClientQuotaEntity, Map<String, Double>> expected =
          Map.of(
              alice, Map.of("producer_byte_rate", 100000.0),
              aliceApp, Map.of("consumer_byte_rate", 2048.0),
              defaultClient, Map.of("producer_byte_rate", 1000.0));
      Await.until("broker 2 to describe the quotas", WAIT, () -> expected.equals(all(two)));

      String aliceNode = data(zk, "/config/users/alice");
      assertTrue(aliceNode.contains("\"SCRAM-SHA-256\":\"salt="), aliceNode);
      assertTrue(aliceNode.contains("\"producer_byte_rate\":\"100000\""), aliceNode);
      assertEquals(
          "{\"version\":1,\"config\":{\"consumer_byte_rate\":\"2048\"}}",
          data(zk, "/config/users/alice/clients/app"));
      assertEquals(
          "{\"version\":1,\"config\":{\"producer_byte_rate\":\"1000\"}}",
          data(zk, "/config/clients/<default>"));

      // The SCRAM store sees alice once, with her credential (not "app" or "clients" as users).
      Await.until(
          "broker 2 to list alice's credential",
          WAIT,
          () -> {
            try {
              return two.describeUserScramCredentials()
                  .all()
                  .get()
                  .keySet()
                  .equals(java.util.Set.of("alice"));
            } catch (Exception e) {
              return false;
            }
          });

      // Deleting the credential keeps the quota; removing the quota keeps nothing of alice's own
      // node but the node stays while her per-client quota is below it.
      two.alterUserScramCredentials(
              List.of(new UserScramCredentialDeletion("alice", ScramMechanism.SCRAM_SHA_256)))
          .all()
          .get();
      aliceNode = data(zk, "/config/users/alice");
      assertFalse(aliceNode.contains("SCRAM"), aliceNode);
      assertTrue(aliceNode.contains("\"producer_byte_rate\":\"100000\""), aliceNode);
      two.alterClientQuotas(List.of(set(alice, "producer_byte_rate", null))).all().get();
      assertEquals("{\"version\":1,\"config\":{}}", data(zk, "/config/users/alice"));
      Map<ClientQuotaEntity, Map<String, Double>> left = new HashMap<>(expected);
      left.remove(alice);
      Await.until("broker 1 to see the removal", WAIT, () -> left.equals(all(one)));
    }
  }

  private static String data(CuratorFramework zk, String path) throws Exception {
    return new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
  }
}
