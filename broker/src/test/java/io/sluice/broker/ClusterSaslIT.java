package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.cluster.ZooKeeperServers;
import io.sluice.testing.ExpectedLogs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.Test;

/**
 * SCRAM credentials in cluster mode: stored in ZooKeeper under Kafka's {@code /config/users/<user>}
 * (salted and hashed, Kafka's format), so a user created through one broker authenticates on
 * another, and a deletion through the other broker locks it out on the first. The brokers talk to
 * each other over their plaintext listener here (inter-broker SASL: {@code InterBrokerSecurityIT}).
 */
class ClusterSaslIT {
  private static final long WAIT_MS = 30_000;

  private static EmbeddedBroker start(TestingServer zk, int id) {
    return EmbeddedBroker.start(
        Map.of(
            "zookeeper.connect",
            zk.getConnectString() + "/sluice",
            "zookeeper.session.timeout.ms",
            "6000",
            "broker.id",
            Integer.toString(id),
            "listeners",
            "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
            "sasl.enabled.mechanisms",
            "SCRAM-SHA-256,SCRAM-SHA-512"));
  }

  @Test
  void aUserAddedThroughOneBrokerAuthenticatesOnAnother() throws Exception {
    // carol's attempts after her deletion fail, as they should: Kafka's client logs each.
    ExpectedLogs.Expectation refused =
        ExpectedLogs.expect("ERROR", "org.apache.kafka", "failed authentication");
    try (TestingServer zk = ZooKeeperServers.standalone();
        EmbeddedBroker one = start(zk, 1);
        EmbeddedBroker two = start(zk, 2)) {
      try (Admin admin = Admin.create(KafkaClients.admin(one.bootstrapServers("PLAINTEXT")))) {
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialUpsertion(
                        "carol",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                        "carol-secret")))
            .all()
            .get();
      }
      try (CuratorFramework client =
          CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
        client.start();
        String node =
            new String(
                client.getData().forPath("/sluice/config/users/carol"), StandardCharsets.UTF_8);
        assertTrue(node.startsWith("{\"version\":1,\"config\":{\"SCRAM-SHA-512\":\"salt="), node);
        assertTrue(node.contains(",iterations=4096\"}}"), node);
        assertTrue(!node.contains("carol-secret"), node);
      }
      Properties carol =
          SaslIT.sasl(
              KafkaClients.admin(two.bootstrapServers("SASL_PLAINTEXT")),
              "SASL_PLAINTEXT",
              "SCRAM-SHA-512",
              "carol",
              "carol-secret");
      waitFor("broker 2 to accept carol", () -> authenticates(carol));
      // Deleted through broker 2: broker 1 refuses carol from then on.
      try (Admin admin = Admin.create(KafkaClients.admin(two.bootstrapServers("PLAINTEXT")))) {
        admin
            .alterUserScramCredentials(
                List.of(new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_512)))
            .all()
            .get();
      }
      Properties carolOnOne =
          SaslIT.sasl(
              KafkaClients.admin(one.bootstrapServers("SASL_PLAINTEXT")),
              "SASL_PLAINTEXT",
              "SCRAM-SHA-512",
              "carol",
              "carol-secret");
      waitFor("broker 1 to refuse carol", () -> !authenticates(carolOnOne));
      try (Admin admin = Admin.create(KafkaClients.admin(one.bootstrapServers("PLAINTEXT")))) {
        waitFor(
            "broker 1 to list no user",
            () -> {
              try {
                return admin.describeUserScramCredentials().all().get().isEmpty();
              } catch (Exception e) {
                return false;
              }
            });
        assertEquals(Map.of(), admin.describeUserScramCredentials().all().get());
      }
    }
    assertTrue(refused.count() >= 1);
  }

  private static boolean authenticates(Properties props) {
    props.put("default.api.timeout.ms", "5000");
    props.put("request.timeout.ms", "4000");
    try (Admin admin = Admin.create(props)) {
      return admin.describeCluster().nodes().get().size() == 2;
    } catch (Exception e) {
      return false;
    }
  }

  private static void waitFor(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
