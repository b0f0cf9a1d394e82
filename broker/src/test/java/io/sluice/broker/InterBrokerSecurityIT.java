package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.sluice.broker.security.sasl.ScramCredential;
import io.sluice.protocol.sasl.ScramMechanism;
import io.sluice.testing.ExpectedLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inter-broker TLS and SASL: three brokers in this JVM on an in-process ZooKeeper whose
 * inter-broker listener ({@code BROKER}) is {@code SASL_SSL}, {@code SSL} or {@code
 * SASL_PLAINTEXT}; test clients use a second, PLAINTEXT listener. With the followers connecting as
 * the listener asks, {@code acks=all} with three replicas works and every replica's files are the
 * leader's byte for byte. A follower whose credentials, certificate trust or principal the leader
 * refuses never joins the in-sync replicas, and says why, once (not once per retry).
 */
class InterBrokerSecurityIT {
  private static final long WAIT_MS = 60_000;
  private static final String TOPIC = "secured";
  private static final String FETCHER = "io.sluice.broker.cluster.ReplicaFetcher";
  private static final String BROKER_USER = "broker";
  private static final String BROKER_PASSWORD = "broker-secret";
  private static final String SCRAM_JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
          + BROKER_USER
          + "\" password=\""
          + BROKER_PASSWORD
          + "\";";

  private TestCertificates certs;
  private InProcessCluster cluster;

  @BeforeEach
  void certificates() throws Exception {
    certs = TestCertificates.get();
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Keys every broker of these tests has: replication, the two listeners. */
  private static Map<String, String> base(String brokerProtocol) {
    Map<String, String> config = new HashMap<>();
    config.put("min.insync.replicas", "2");
    config.put("replica.lag.time.max.ms", "3000");
    config.put("default.replication.factor", "3");
    config.put("listeners", "PLAINTEXT://127.0.0.1:0,BROKER://127.0.0.1:0");
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,BROKER:" + brokerProtocol);
    config.put("inter.broker.listener.name", "BROKER");
    return config;
  }

  /** The TLS keys of the BROKER listener: the test server key, the test CA as trust. */
  private Map<String, String> tls(Map<String, String> config) {
    config.put("listener.name.broker.ssl.keystore.type", "PKCS12");
    config.put("listener.name.broker.ssl.keystore.location", certs.serverPkcs12.toString());
    config.put("listener.name.broker.ssl.keystore.password", TestCertificates.PASSWORD);
    config.put("listener.name.broker.ssl.truststore.type", "PKCS12");
    config.put("listener.name.broker.ssl.truststore.location", certs.truststore.toString());
    config.put("listener.name.broker.ssl.truststore.password", TestCertificates.PASSWORD);
    return config;
  }

  private void launch(IntFunction<Map<String, String>> configOf) throws Exception {
    cluster = InProcessCluster.launch(3, configOf);
  }

  private void launch(
      InProcessCluster.BeforeBrokers beforeBrokers, IntFunction<Map<String, String>> configOf)
      throws Exception {
    cluster = InProcessCluster.launch(3, configOf, beforeBrokers);
  }

  /**
   * Kafka's SCRAM credential of {@code user}, written where Kafka's ZooKeeper-era tools put it
   * ({@code kafka-configs --zookeeper}), under the chroot of {@code zkConnect}.
   */
  private static void createScramUser(
      String zkConnect, ScramMechanism mechanism, String user, String password) throws Exception {
    ScramCredential credential =
        ScramCredential.fromPassword(mechanism, password, 4096, new SecureRandom());
    String node =
        "{\"version\":1,\"config\":{\""
            + mechanism.mechanismName()
            + "\":\""
            + credential.toKafkaFormat()
            + "\"}}";
    int chroot = zkConnect.indexOf('/');
    try (CuratorFramework client =
        CuratorFrameworkFactory.newClient(zkConnect.substring(0, chroot), new RetryOneTime(100))) {
      client.start();
      client
          .create()
          .creatingParentsIfNeeded()
          .forPath(
              zkConnect.substring(chroot) + "/config/users/" + user,
              node.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void saslSslWithScramSha512_replicatesByteForByte_asTheSuperUserBroker() throws Exception {
    launch(
        zkConnect ->
            createScramUser(zkConnect, ScramMechanism.SCRAM_SHA_512, BROKER_USER, BROKER_PASSWORD),
        id -> {
          Map<String, String> config = tls(base("SASL_SSL"));
          config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
          config.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
          config.put("listener.name.broker.scram-sha-512.sasl.jaas.config", SCRAM_JAAS);
          // The followers' principal is the SASL user: it must be a super user (the test clients on
          // the PLAINTEXT listener are User:ANONYMOUS).
          config.put("authorizer.class.name", AclTls.AUTHORIZER);
          config.put("super.users", "User:ANONYMOUS;User:" + BROKER_USER);
          return config;
        });
    replicateAndCompare(1);
  }

  @Test
  void sslWithClientCertificates_bothEngines_replicatesByteForByte() throws Exception {
    String[] engines = {"jdk", OpenSsl.isAvailable() ? "openssl" : "jdk", "auto"};
    launch(
        id -> {
          Map<String, String> config = tls(base("SSL"));
          config.put("listener.name.broker.ssl.client.auth", "required");
          config.put("listener.name.broker.ssl.engine", engines[id - 1]);
          // With client certificates the followers' principal is the certificate's subject.
          config.put("authorizer.class.name", AclTls.AUTHORIZER);
          config.put("super.users", "User:ANONYMOUS;User:CN=localhost");
          return config;
        });
    // Three partitions: each broker leads one, so each engine serves two followers.
    replicateAndCompare(3);
  }

  @Test
  void saslPlaintextWithPlain_replicatesByteForByte() throws Exception {
    launch(
        id -> {
          Map<String, String> config = base("SASL_PLAINTEXT");
          config.put("sasl.enabled.mechanisms", "PLAIN");
          config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
          config.put("listener.name.broker.plain.sasl.jaas.config", plainJaas(BROKER_PASSWORD));
          return config;
        });
    replicateAndCompare(1);
  }

  @Test
  void theBrokersScramUserCreatedAfterStart_followersJoinAtTheirNextRetry() throws Exception {
    // Until the user exists every follower is refused, and says so (once per leader).
    ExpectedLogs.Expectation refused =
        ExpectedLogs.expect("ERROR", FETCHER, "refused this broker's SCRAM-SHA-256 authentication");
    launch(
        id -> {
          Map<String, String> config = base("SASL_PLAINTEXT");
          config.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
          config.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
          config.put("listener.name.broker.scram-sha-256.sasl.jaas.config", SCRAM_JAAS);
          return config;
        });
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
      waitFor("a follower's refusal logged", () -> refused.count() >= 1);
      // A new partition's ISR is all its replicas; followers that never fetch leave it.
      waitFor("the leader alone in sync", () -> isr(admin, 0).equals(Set.of(1)));
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      BROKER_USER,
                      new ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256, 4096),
                      BROKER_PASSWORD)))
          .all()
          .get();
      waitFor("three in-sync replicas", () -> isr(admin, 0).size() == 3);
    }
    Properties props = KafkaClients.producer(bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    assertEquals(100, produce(props, 0, 100));
    assertTrue(refused.count() <= 2, refused.messages().toString());
  }

  private static String plainJaas(String ownPassword) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + BROKER_USER
        + "\" password=\""
        + ownPassword
        + "\" user_"
        + BROKER_USER
        + "=\""
        + BROKER_PASSWORD
        + "\";";
  }

  @Test
  void aWrongInterBrokerPassword_keepsTheFollowerOutOfTheIsr_andIsLoggedOnce() throws Exception {
    ExpectedLogs.Expectation refused =
        ExpectedLogs.expect("ERROR", FETCHER, "broker 3 cannot replicate from broker ");
    launch(
        id -> {
          Map<String, String> config = base("SASL_PLAINTEXT");
          config.put("sasl.enabled.mechanisms", "PLAIN");
          config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
          config.put(
              "listener.name.broker.plain.sasl.jaas.config",
              plainJaas(id == 3 ? "not-the-password" : BROKER_PASSWORD));
          return config;
        });
    assertFollowerKeptOut(refused, "SASL_AUTHENTICATION_FAILED");
  }

  @Test
  void anUntrustedCertificate_keepsTheFollowerOutOfTheIsr_andIsLoggedOnce() throws Exception {
    ExpectedLogs.Expectation refused =
        ExpectedLogs.expect("ERROR", FETCHER, "broker 3 cannot replicate from broker ");
    launch(
        id -> {
          Map<String, String> config = tls(base("SSL"));
          if (id == 3) {
            // Broker 3 trusts only the JDK's certificate authorities, not the test CA.
            config.remove("listener.name.broker.ssl.truststore.type");
            config.remove("listener.name.broker.ssl.truststore.location");
            config.remove("listener.name.broker.ssl.truststore.password");
          }
          return config;
        });
    assertFollowerKeptOut(refused, "PKIX path");
  }

  @Test
  void aFollowerWhosePrincipalIsNoSuperUser_isRefused_andSaysWhy() throws Exception {
    // Kafka answers a follower's Fetch without CLUSTER_ACTION with TOPIC_AUTHORIZATION_FAILED
    // per partition (and its OffsetForLeaderEpoch, asked first when the follower has data,
    // with CLUSTER_AUTHORIZATION_FAILED); broker 3's log is empty, so it asks no epochs.
    ExpectedLogs.Expectation refused =
        ExpectedLogs.expect("ERROR", FETCHER, "broker 3 cannot replicate from broker ");
    launch(
        zkConnect -> {
          createScramUser(zkConnect, ScramMechanism.SCRAM_SHA_256, BROKER_USER, BROKER_PASSWORD);
          createScramUser(zkConnect, ScramMechanism.SCRAM_SHA_256, "intruder", "intruder-secret");
        },
        id -> {
          Map<String, String> config = tls(base("SASL_SSL"));
          config.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
          config.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
          config.put(
              "listener.name.broker.scram-sha-256.sasl.jaas.config",
              id == 3
                  ? SCRAM_JAAS
                      .replace(BROKER_USER, "intruder")
                      .replace(BROKER_PASSWORD, "intruder-secret")
                  : SCRAM_JAAS);
          config.put("authorizer.class.name", AclTls.AUTHORIZER);
          config.put("super.users", "User:ANONYMOUS;User:" + BROKER_USER);
          return config;
        });
    assertFollowerKeptOut(
        refused,
        "it answers TOPIC_AUTHORIZATION_FAILED to this follower's Fetch requests: the inter-broker"
            + " principal User:intruder needs CLUSTER_ACTION on the cluster");
  }

  /**
   * Creates the topic (broker 1, the first in placement order, leads partition 0, with broker 3 a
   * follower), writes with {@code acks=1} to the leader alone, and checks that broker 3 never
   * catches up while 1 and 2 do, and that the refusal was logged once with {@code why}.
   */
  private void assertFollowerKeptOut(ExpectedLogs.Expectation refused, String why)
      throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
      TopicPartitionInfo partition = describe(admin).get(0);
      assertEquals(1, partition.leader().id(), "placement puts the first partition on broker 1");
      waitFor("brokers 1 and 2 in sync", () -> isr(admin, 0).equals(Set.of(1, 2)));
      waitFor("broker 3's refusal logged", () -> fromBroker1(refused).size() >= 1);
      Properties props = KafkaClients.producer(bootstrap());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      produce(props, 0, 200);
      // The two in-sync replicas have every record; broker 3 has none and is not in the ISR.
      waitFor(
          "broker 2 with the leader's log", () -> logBytes(2, 0).length == logBytes(1, 0).length);
      assertTrue(logBytes(1, 0).length > 0);
      assertEquals(0, logBytes(3, 0).length);
      assertEquals(Set.of(1, 2), isr(admin, 0));
    }
    // Retried with a backoff and logged once per leader and reason, not once per attempt (broker
    // 3 also follows the partitions of the offsets topic that broker 2 leads).
    List<String> fromLeader = fromBroker1(refused);
    assertEquals(1, fromLeader.size(), refused.messages().toString());
    assertTrue(fromLeader.get(0).contains(why), fromLeader.toString());
    assertTrue(refused.count() <= 2, refused.messages().toString());
  }

  private static List<String> fromBroker1(ExpectedLogs.Expectation refused) {
    return refused.messages().stream()
        .filter(m -> m.startsWith("broker 3 cannot replicate from broker 1: "))
        .toList();
  }

  /**
   * Creates the topic with three replicas, writes 1000 records per partition with {@code acks=all}
   * (all three brokers in sync first), and waits until the three replicas' files are identical.
   */
  private void replicateAndCompare(int partitions) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 3))).all().get();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        waitFor("three in-sync replicas of " + p, () -> isr(admin, partition).size() == 3);
      }
      Properties props = KafkaClients.producer(bootstrap());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      for (int p = 0; p < partitions; p++) {
        assertEquals(1000, produce(props, p, 1000));
      }
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        waitFor(
            "identical logs of partition " + p + " on the three replicas",
            () -> {
              byte[] one = logBytes(1, partition);
              return one.length > 0
                  && java.util.Arrays.equals(one, logBytes(2, partition))
                  && java.util.Arrays.equals(one, logBytes(3, partition));
            });
        long end = 1000;
        assertEquals(
            0,
            ReplicaCheck.divergentOffsets(
                List.of(logBytes(1, partition), logBytes(2, partition), logBytes(3, partition)),
                end));
        assertEquals(
            1000,
            ReplicaCheck.batches(logBytes(3, partition)).lastEntry().getValue().lastOffset() + 1);
        assertEquals(Set.of(1, 2, 3), isr(admin, partition));
      }
    }
  }

  /** Sends {@code count} records to {@code partition}; returns how many were acknowledged. */
  private int produce(Properties props, int partition, int count) throws Exception {
    int acknowledged = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] value = ("record-" + partition + "-" + i).getBytes(StandardCharsets.UTF_8);
        sent.add(producer.send(new ProducerRecord<>(TOPIC, partition, null, value)));
      }
      for (Future<RecordMetadata> ack : sent) {
        assertNotEquals(-1, ack.get().offset());
        acknowledged++;
      }
    }
    return acknowledged;
  }

  private String bootstrap() {
    List<String> all = new ArrayList<>();
    cluster.running().values().forEach(b -> all.add(b.bootstrapServers("PLAINTEXT")));
    return String.join(",", all);
  }

  private static List<TopicPartitionInfo> describe(Admin admin) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
    return d.partitions();
  }

  private static Set<Integer> isr(Admin admin, int partition) {
    try {
      return describe(admin).get(partition).isr().stream()
          .map(Node::id)
          .collect(Collectors.toSet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      if (e instanceof ExecutionException) {
        return Set.of();
      }
      throw new IllegalStateException(e);
    }
  }

  /** Every {@code .log} file of the partition on one broker, concatenated in offset order. */
  private byte[] logBytes(int id, int partition) {
    Path dir = cluster.dataDir(id).resolve(TOPIC + "-" + partition);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
        out.write(Files.readAllBytes(file));
      }
    } catch (IOException e) {
      return new byte[0];
    }
    return out.toByteArray();
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
