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
import java.util.Properties;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;

/**
 * Client quotas in cluster mode: stored in ZooKeeper with Kafka's layout ({@code
 * /config/users/<user>}, {@code /config/users/<user>/clients/<client-id>}, {@code
 * /config/clients/<client-id>}, {@code <default>}), so a quota set through broker 1 is described by
 * broker 2 and throttles clients there; a user's node is shared with its SCRAM credentials, and
 * neither store clobbers the other's keys.
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

  /**
   * Enforcement follows the stored quotas on every broker: a producer quota set through broker 1
   * throttles a producer of a partition broker 2 leads; and a tiny default {@code
   * consumer_byte_rate} does not slow replication (followers are never throttled by client quotas:
   * were they, the 300 KB below would take about 5 minutes at 1 KB/s).
   */
  @Test
  void quotaSetThroughBrokerOne_throttlesOnBrokerTwo_followersNeverThrottled() throws Exception {
    try (InProcessCluster cluster = InProcessCluster.launch(2, Map.of());
        Admin one = Admin.create(KafkaClients.admin(cluster.broker(1).bootstrapServers()));
        Admin two = Admin.create(KafkaClients.admin(cluster.broker(2).bootstrapServers()))) {
      one.createTopics(
              List.of(
                  new NewTopic("spread", 4, (short) 1), new NewTopic("replicated", 1, (short) 2)))
          .all()
          .get();
      one.alterClientQuotas(
              List.of(
                  set(entity("client-id", "limited"), "producer_byte_rate", 10000.0),
                  set(entity("client-id", null), "consumer_byte_rate", 1024.0)))
          .all()
          .get();
      Await.until("broker 2 to hold both quotas", WAIT, () -> all(two).size() == 2);
      int onTwo = partitionLedBy(two, "spread", 2);

      Properties limited = KafkaClients.producer(cluster.bootstrap());
      limited.put(ProducerConfig.CLIENT_ID_CONFIG, "limited");
      limited.put(ProducerConfig.ACKS_CONFIG, "1");
      limited.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
      // a small buffer: what is still queued when the test stops drains quickly at the quota
      limited.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "32768");
      limited.put(ProducerConfig.BATCH_SIZE_CONFIG, "8192");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(limited)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (ClientQuotaEnforcementIT.metric(producer.metrics(), "produce-throttle-time-max")
            <= 0) {
          assertTrue(System.nanoTime() < deadline, "never throttled on broker 2");
          producer.send(new ProducerRecord<>("spread", onTwo, null, new byte[1000]));
        }
      }

      Properties bulk = KafkaClients.producer(cluster.bootstrap());
      bulk.put(ProducerConfig.CLIENT_ID_CONFIG, "bulk");
      bulk.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bulk)) {
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
          sent.add(producer.send(new ProducerRecord<>("replicated", new byte[1000])));
        }
        for (java.util.concurrent.Future<?> f : sent) {
          f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
      }
    }
  }

  /** A partition of {@code topic} whose leader is broker {@code id} (waits for the leaders). */
  private static int partitionLedBy(Admin admin, String topic, int id) {
    int[] found = {-1};
    Await.until(
        "a partition of " + topic + " led by broker " + id,
        WAIT,
        () -> {
          try {
            for (TopicPartitionInfo p :
                admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()) {
              if (p.leader() != null && p.leader().id() == id) {
                found[0] = p.partition();
                return true;
              }
            }
            return false;
          } catch (Exception e) {
            return false;
          }
        });
    return found[0];
  }

  private static String data(CuratorFramework zk, String path) throws Exception {
    return new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
  }
}
