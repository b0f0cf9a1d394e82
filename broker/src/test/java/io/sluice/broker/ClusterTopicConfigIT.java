package io.sluice.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.Await;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-topic configuration in cluster mode: three brokers in this JVM on an in-process ZooKeeper.
 * Overrides given to CreateTopics on one broker are stored in {@code /config/topics/{t}} in Kafka's
 * shape, described alike by every broker, stored beside and applied to every replica; alterations
 * through another broker reach every replica live (a compacted topic is compacted on each of its
 * replicas), a broker that was down applies what it missed when it comes back, a restart keeps
 * them, {@code min.insync.replicas} set on a topic governs its {@code acks=all} writes, and bad
 * keys and values are refused as a single node refuses them.
 */
class ClusterTopicConfigIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private InProcessCluster cluster;
  private CuratorFramework zkClient;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = InProcessCluster.launch(3, Map.of("log.cleaner.backoff.ms", "50"));
    zkClient = CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100));
    zkClient.start();
  }

  @AfterEach
  void stopCluster() throws Exception {
    try {
      zkClient.close();
    } finally {
      cluster.close();
    }
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(KafkaClients.admin(bootstrap));
  }

  /** An admin client that knows one broker only: its requests go to that broker. */
  private Admin adminOf(int id) {
    return admin(cluster.broker(id).bootstrapServers());
  }

  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  private static Config describe(Admin admin, String topic) throws Exception {
    return admin.describeConfigs(List.of(topic(topic))).all().get().get(topic(topic));
  }

  /**
   * What broker {@code id} itself answers to DescribeConfigs (v1, over a connection to that broker:
   * kafka-clients' admin sends a topic's DescribeConfigs to any broker it likes): key to "value
   * SOURCE"; empty when it answers with an error (the topic not seen there yet).
   */
  private Map<String, String> describedBy(int id, String topic) throws IOException {
    try (RawConnection c = new RawConnection(cluster.broker(id).broker().localAddress())) {
      c.send(
          ApiKey.DESCRIBE_CONFIGS.id(),
          (short) 1,
          3,
          new DescribeConfigsRequest()
              .setResources(
                  List.of(
                      new DescribeConfigsRequest.DescribeConfigsResource()
                          .setResourceType((byte) 2)
                          .setResourceName(topic)
                          .setConfigurationKeys(null))));
      ByteBuffer frame = c.readFrame();
      assertEquals(3, frame.getInt());
      DescribeConfigsResponse.DescribeConfigsResult result =
          DescribeConfigsResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 1)
              .results()
              .get(0);
      Map<String, String> out = new TreeMap<>();
      if (result.errorCode() == 0) {
        for (DescribeConfigsResponse.DescribeConfigsResourceResult e : result.configs()) {
          String source =
              switch (e.configSource()) {
                case 1 -> "TOPIC";
                case 4 -> "STATIC";
                case 5 -> "DEFAULT";
                default -> "source-" + e.configSource();
              };
          out.put(e.name(), e.value() + " " + source);
        }
      }
      return out;
    }
  }

  /**
   * Waits until broker {@code id} describes {@code key} of {@code topic} as {@code described}
   * ("value SOURCE"): a broker other than the one that made a change sees it when its watch fires,
   * a moment later.
   */
  private void awaitDescribed(int id, String topic, String key, String described) {
    Await.until(
        "broker " + id + " to describe " + topic + " " + key + " as " + described,
        WAIT,
        () -> {
          try {
            return described.equals(describedBy(id, topic).get(key));
          } catch (IOException e) {
            return false;
          }
        });
  }

  private static void alter(Admin admin, String topic, AlterConfigOp... ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(topic(topic), List.of(ops))).all().get();
  }

  private static AlterConfigOp set(String key, String value) {
    return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
  }

  private static AlterConfigOp delete(String key) {
    return new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE);
  }

  /** The JSON of {@code /config/topics/{t}}, or null when the znode does not exist. */
  private String configZnode(String topic) throws Exception {
    if (zkClient.checkExists().forPath("/config/topics/" + topic) == null) {
      return null;
    }
    return new String(zkClient.getData().forPath("/config/topics/" + topic), UTF_8);
  }

  /** The overrides stored beside broker {@code id}'s replica of the partition. */
  private Map<String, String> stored(int id, String topic, int partition) {
    try {
      String text =
          Files.readString(cluster.dataDir(id).resolve(topic + "-" + partition + "/topic.config"));
      Properties p = new Properties();
      p.load(new StringReader(text));
      Map<String, String> map = new TreeMap<>();
      p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
      return map;
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<TopicPartitionInfo> partitions(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    return d.partitions();
  }

  /** Records in broker {@code id}'s segment files of the partition (RecordBatch v2 headers). */
  private int recordsOnDisk(int id, String topic, int partition) {
    int records = 0;
    try (Stream<Path> files = Files.list(cluster.dataDir(id).resolve(topic + "-" + partition))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        while (buf.remaining() >= 61) {
          int start = buf.position();
          int length = buf.getInt(start + 8);
          if (length <= 0 || start + 12 + length > buf.limit()) {
            break;
          }
          records += buf.getInt(start + 57);
          buf.position(start + 12 + length);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return records;
  }

  @Test
  void overridesAreStoredInZooKeeperDescribedByEveryBrokerAndAppliedToEveryReplica()
      throws Exception {
    try (Admin one = adminOf(1);
        Admin two = adminOf(2);
        Admin three = adminOf(3)) {
      one.createTopics(
              List.of(
                  new NewTopic("configured", 2, (short) 2)
                      .configs(Map.of("retention.ms", "3600000", "segment.bytes", "2048"))))
          .all()
          .get();
      assertEquals(
          "{\"version\":1,\"config\":{\"retention.ms\":\"3600000\",\"segment.bytes\":\"2048\"}}",
          configZnode("configured"));
      for (int id = 1; id <= 3; id++) {
        awaitDescribed(id, "configured", "retention.ms", "3600000 TOPIC");
        Map<String, String> described = describedBy(id, "configured");
        assertEquals("2048 TOPIC", described.get("segment.bytes"), "broker " + id);
        assertEquals("delete DEFAULT", described.get("cleanup.policy"), "broker " + id);
      }
      // kafka-clients' view (through whichever broker its admin picks) agrees.
      Config config = describe(two, "configured");
      assertEquals("3600000", config.get("retention.ms").value());
      assertEquals(
          ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
      List<TopicPartitionInfo> partitions = partitions(one, "configured");
      for (TopicPartitionInfo p : partitions) {
        assertEquals(2, p.replicas().size());
        for (Node replica : p.replicas()) {
          Await.until(
              "broker " + replica.id() + " to store the overrides of partition " + p.partition(),
              WAIT,
              () ->
                  Map.of("retention.ms", "3600000", "segment.bytes", "2048")
                      .equals(stored(replica.id(), "configured", p.partition())));
        }
      }

      // Changed through a third broker: compact, and retention back to the broker's value.
      alter(
          three,
          "configured",
          set("cleanup.policy", "compact"),
          set("min.cleanable.dirty.ratio", "0.01"),
          delete("retention.ms"));
      Map<String, String> now =
          Map.of(
              "cleanup.policy",
              "compact",
              "min.cleanable.dirty.ratio",
              "0.01",
              "segment.bytes",
              "2048");
      for (int id = 1; id <= 3; id++) {
        awaitDescribed(id, "configured", "cleanup.policy", "compact TOPIC");
        assertTrue(
            describedBy(id, "configured").get("retention.ms").endsWith(" DEFAULT"), "broker " + id);
      }
      for (TopicPartitionInfo p : partitions) {
        for (Node replica : p.replicas()) {
          Await.until(
              "broker " + replica.id() + " to store the change",
              WAIT,
              () -> now.equals(stored(replica.id(), "configured", p.partition())));
        }
      }

      // The change is live on every replica: each one's cleaner compacts its copy of partition 0.
      int sent = 400;
      Properties props = KafkaClients.producer(bootstrap());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        for (int i = 0; i < sent; i++) {
          producer
              .send(
                  new ProducerRecord<>(
                      "configured",
                      0,
                      ("key-" + (i % 10)).getBytes(UTF_8),
                      ("v" + i).getBytes(UTF_8)))
              .get();
        }
      }
      for (Node replica : partitions.get(0).replicas()) {
        Await.until(
            "broker " + replica.id() + "'s replica compacted",
            WAIT,
            () -> recordsOnDisk(replica.id(), "configured", 0) < sent / 2);
      }
    }
  }

  @Test
  void minInsyncReplicasSetOnATopicGovernsItsAcksAllWrites() throws Exception {
    try (Admin admin = admin(bootstrap())) {
      admin.createTopics(List.of(new NewTopic("isr", 1, (short) 2))).all().get();
      Await.until(
          "two in-sync replicas",
          WAIT,
          () -> {
            try {
              return partitions(admin, "isr").get(0).isr().size() == 2;
            } catch (Exception e) {
              return false;
            }
          });
      Properties props = KafkaClients.producer(bootstrap());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      props.put(ProducerConfig.RETRIES_CONFIG, "0");
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        assertEquals(0, producer.send(new ProducerRecord<>("isr", new byte[] {0})).get().offset());

        // Two in-sync replicas are fewer than the topic's min.insync.replicas of 3. The leader
        // applies the change when its watch fires (the alteration may have gone to another
        // broker): writes are refused from then on.
        alter(admin, "isr", set("min.insync.replicas", "3"));
        Throwable[] refused = {null};
        Await.until(
            "acks=all refused by the leader",
            WAIT,
            () -> {
              try {
                producer.send(new ProducerRecord<>("isr", new byte[] {1})).get();
                return false;
              } catch (ExecutionException e) {
                refused[0] = e.getCause();
                return true;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
              }
            });
        assertInstanceOf(NotEnoughReplicasException.class, refused[0]);

        alter(admin, "isr", delete("min.insync.replicas"));
        Await.until(
            "acks=all accepted again",
            WAIT,
            () -> {
              try {
                producer.send(new ProducerRecord<>("isr", new byte[] {2})).get();
                return true;
              } catch (ExecutionException e) {
                assertInstanceOf(NotEnoughReplicasException.class, e.getCause());
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
      }
    }
  }

  @Test
  void aBrokerThatWasDownAppliesWhatItMissedAndRestartsKeepTheOverrides() throws Exception {
    try (Admin admin = admin(bootstrap())) {
      admin
          .createTopics(
              List.of(new NewTopic("kept", 1, (short) 3).configs(Map.of("segment.bytes", "4096"))))
          .all()
          .get();
      for (int id = 1; id <= 3; id++) {
        int broker = id;
        Await.until(
            "broker " + id + " to store the overrides",
            WAIT,
            () -> Map.of("segment.bytes", "4096").equals(stored(broker, "kept", 0)));
      }
      cluster.stop(3);
      try (Admin one = adminOf(1)) {
        alter(one, "kept", set("retention.ms", "1234567"));
      }
      Map<String, String> want = Map.of("retention.ms", "1234567", "segment.bytes", "4096");
      assertEquals(Map.of("segment.bytes", "4096"), stored(3, "kept", 0), "broker 3 was down");

      cluster.start(3);
      Await.until(
          "broker 3 to apply what it missed", WAIT, () -> want.equals(stored(3, "kept", 0)));
      awaitDescribed(3, "kept", "retention.ms", "1234567 TOPIC");
      assertEquals("4096 TOPIC", describedBy(3, "kept").get("segment.bytes"));

      // Every broker restarted: the overrides come back from ZooKeeper and from each replica's
      // copy.
      for (int id = 1; id <= 3; id++) {
        cluster.stop(id);
        cluster.start(id);
      }
      for (int id = 1; id <= 3; id++) {
        awaitDescribed(id, "kept", "retention.ms", "1234567 TOPIC");
        assertEquals("4096 TOPIC", describedBy(id, "kept").get("segment.bytes"), "broker " + id);
        assertEquals(want, stored(id, "kept", 0), "broker " + id);
      }
    }
  }

  @Test
  void badOverridesAreRefusedAsOnASingleNodeAndDeletionRemovesTheConfigZnode() throws Exception {
    try (Admin admin = admin(bootstrap())) {
      ExecutionException unknown =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .createTopics(
                          List.of(new NewTopic("t1", 1, (short) 1).configs(Map.of("colour", "x"))))
                      .all()
                      .get());
      assertInstanceOf(InvalidConfigurationException.class, unknown.getCause());
      assertEquals("Unknown topic config name: colour", unknown.getCause().getMessage());
      ExecutionException bad =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .createTopics(
                          List.of(
                              new NewTopic("t1", 1, (short) 1)
                                  .configs(Map.of("retention.ms", "soon"))))
                      .all()
                      .get());
      assertInstanceOf(InvalidConfigurationException.class, bad.getCause());
      assertEquals(
          "Invalid value soon for configuration retention.ms: Not a number of type LONG",
          bad.getCause().getMessage());
      admin
          .createTopics(
              List.of(new NewTopic("t1", 1, (short) 1).configs(Map.of("retention.ms", "1000"))),
              new CreateTopicsOptions().validateOnly(true))
          .all()
          .get();
      assertTrue(admin.listTopics().names().get().isEmpty());
      assertNull(configZnode("t1"));

      admin
          .createTopics(
              List.of(new NewTopic("t1", 1, (short) 1).configs(Map.of("retention.ms", "1000"))))
          .all()
          .get();
      ExecutionException badAlter =
          assertThrows(
              ExecutionException.class, () -> alter(admin, "t1", set("segment.bytes", "ten")));
      assertInstanceOf(InvalidConfigurationException.class, badAlter.getCause());
      assertEquals(
          "Invalid value ten for configuration segment.bytes: Not a number of type INT",
          badAlter.getCause().getMessage());
      // validateOnly checks without changing anything.
      admin
          .incrementalAlterConfigs(
              Map.of(topic("t1"), List.of(set("retention.ms", "2000"))),
              new org.apache.kafka.clients.admin.AlterConfigsOptions().validateOnly(true))
          .all()
          .get();
      assertEquals("{\"version\":1,\"config\":{\"retention.ms\":\"1000\"}}", configZnode("t1"));

      admin.deleteTopics(List.of("t1")).all().get();
      assertNull(configZnode("t1"));
      // A topic of the same name starts without the old one's overrides.
      admin.createTopics(List.of(new NewTopic("t1", 1, (short) 1))).all().get();
      assertEquals("{\"version\":1,\"config\":{}}", configZnode("t1"));
      Await.until(
          "t1 described with retention.ms from the broker's default",
          WAIT,
          () -> {
            try {
              return describe(admin, "t1").get("retention.ms").source()
                  == ConfigEntry.ConfigSource.DEFAULT_CONFIG;
            } catch (Exception e) {
              return false; // t1 not seen by that broker yet
            }
          });
    }
  }
}
