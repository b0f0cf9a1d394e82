package io.sluice.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.AlterConfigsRequest;
import io.sluice.protocol.message.AlterConfigsResponse;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.Await;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/**
 * Per-topic configuration through kafka-clients' AdminClient: created with a topic, described with
 * Kafka's sources and synonyms, changed key by key and as a whole, refused with Kafka's errors,
 * applied to live logs, and still there after a restart.
 */
class TopicConfigIT {
  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  private static Config describe(Admin admin, ConfigResource resource) throws Exception {
    return admin
        .describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
        .all()
        .get()
        .get(resource);
  }

  private static void alter(Admin admin, String topic, AlterConfigOp... ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(topic(topic), List.of(ops))).all().get();
  }

  private static AlterConfigOp op(String key, String value, AlterConfigOp.OpType type) {
    return new AlterConfigOp(new ConfigEntry(key, value), type);
  }

  @Test
  void createWithConfigs_describe_showsSourcesAndSynonyms() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.retention.bytes", "123456"));
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      CreateTopicsResult created =
          admin.createTopics(
              List.of(
                  new NewTopic("configured", 2, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact", "retention.ms", "3600000"))));
      created.all().get();
      assertEquals("compact", created.config("configured").get().get("cleanup.policy").value());

      Config config = describe(admin, topic("configured"));
      ConfigEntry policy = config.get("cleanup.policy");
      assertEquals("compact", policy.value());
      assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, policy.source());
      assertFalse(policy.isReadOnly());
      assertEquals(ConfigEntry.ConfigType.LIST, policy.type());
      assertEquals(
          List.of("cleanup.policy", "log.cleanup.policy"),
          policy.synonyms().stream().map(ConfigEntry.ConfigSynonym::name).toList());
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, policy.synonyms().get(1).source());
      assertEquals("delete", policy.synonyms().get(1).value());

      ConfigEntry retentionBytes = config.get("retention.bytes");
      assertEquals("123456", retentionBytes.value());
      assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, retentionBytes.source());
      assertEquals(
          List.of(
              ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG,
              ConfigEntry.ConfigSource.DEFAULT_CONFIG),
          retentionBytes.synonyms().stream().map(ConfigEntry.ConfigSynonym::source).toList());

      ConfigEntry segmentBytes = config.get("segment.bytes");
      assertEquals("1073741824", segmentBytes.value());
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, segmentBytes.source());
      assertEquals(ConfigEntry.ConfigType.INT, segmentBytes.type());
      for (String key :
          List.of(
              "retention.ms",
              "segment.ms",
              "max.message.bytes",
              "message.timestamp.type",
              "message.timestamp.before.max.ms",
              "message.timestamp.after.max.ms",
              "min.cleanable.dirty.ratio",
              "delete.retention.ms",
              "min.compaction.lag.ms",
              "min.insync.replicas")) {
        assertTrue(config.get(key) != null, key + " is described");
      }
      assertEquals("0.5", config.get("min.cleanable.dirty.ratio").value());
      assertEquals("CreateTime", config.get("message.timestamp.type").value());

      // A subset of the keys, as TopicCommand and ConfigCommand ask.
      Config subset =
          admin
              .describeConfigs(List.of(topic("configured")), new DescribeConfigsOptions())
              .all()
              .get()
              .get(topic("configured"));
      assertTrue(subset.entries().size() >= 14);
      assertTrue(subset.get("retention.ms").synonyms().isEmpty());
    }
  }

  @Test
  void createTopics_badConfig_refusedNamingIt_andValidateOnlyCreatesNothing() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
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
      assertTrue(unknown.getCause().getMessage().contains("colour"), unknown.getMessage());

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
      assertEquals(Set.of(), admin.listTopics().names().get());
      assertFalse(Files.exists(broker.dataDir().resolve("t1-0")));
    }
  }

  @Test
  void incrementalAlter_setDeleteAppendSubtract_appliedLiveAndKeptOverRestart() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()));
          KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("live", 1, (short) 1))).all().get();
        producer.send(new ProducerRecord<>("live", new byte[3000])).get();

        alter(admin, "live", op("max.message.bytes", "2000", AlterConfigOp.OpType.SET));
        assertEquals("2000", describe(admin, topic("live")).get("max.message.bytes").value());
        ExecutionException tooLarge =
            assertThrows(
                ExecutionException.class,
                () -> producer.send(new ProducerRecord<>("live", new byte[3000])).get());
        assertInstanceOf(RecordTooLargeException.class, tooLarge.getCause());

        alter(admin, "live", op("max.message.bytes", null, AlterConfigOp.OpType.DELETE));
        ConfigEntry restored = describe(admin, topic("live")).get("max.message.bytes");
        assertEquals("1048588", restored.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, restored.source());
        producer.send(new ProducerRecord<>("live", new byte[3000])).get();

        // Segments roll at the new size from the next append on.
        alter(admin, "live", op("segment.bytes", "4096", AlterConfigOp.OpType.SET));
        for (int i = 0; i < 6; i++) {
          producer.send(new ProducerRecord<>("live", new byte[3000])).get();
        }
        assertTrue(segmentFiles(broker.dataDir().resolve("live-0")) >= 6);

        alter(admin, "live", op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        assertEquals(
            "delete,compact", describe(admin, topic("live")).get("cleanup.policy").value());
        alter(admin, "live", op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT));
        assertEquals("compact", describe(admin, topic("live")).get("cleanup.policy").value());

        ExecutionException appendLong =
            assertThrows(
                ExecutionException.class,
                () -> alter(admin, "live", op("retention.ms", "5", AlterConfigOp.OpType.APPEND)));
        assertInstanceOf(InvalidConfigurationException.class, appendLong.getCause());
        assertTrue(appendLong.getCause().getMessage().contains("retention.ms"));

        ExecutionException negative =
            assertThrows(
                ExecutionException.class,
                () -> alter(admin, "live", op("segment.ms", "-3", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidConfigurationException.class, negative.getCause());
        assertEquals(
            "Invalid value -3 for configuration segment.ms: Value must be at least 1",
            negative.getCause().getMessage());

        // validateOnly changes nothing.
        admin
            .incrementalAlterConfigs(
                Map.of(
                    topic("live"), List.of(op("retention.ms", "1000", AlterConfigOp.OpType.SET))),
                new org.apache.kafka.clients.admin.AlterConfigsOptions().validateOnly(true))
            .all()
            .get();
        assertEquals(
            ConfigEntry.ConfigSource.DEFAULT_CONFIG,
            describe(admin, topic("live")).get("retention.ms").source());

        ExecutionException missing =
            assertThrows(
                ExecutionException.class,
                () -> alter(admin, "nope", op("retention.ms", "5", AlterConfigOp.OpType.SET)));
        assertInstanceOf(UnknownTopicOrPartitionException.class, missing.getCause());
      }

      broker.restart();
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        Config config = describe(admin, topic("live"));
        assertEquals("compact", config.get("cleanup.policy").value());
        assertEquals("4096", config.get("segment.bytes").value());
        assertEquals(
            ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("segment.bytes").source());
      }
    }
  }

  /** kafka-clients 4 no longer sends AlterConfigs; other clients do, so it is sent raw (v1). */
  @Test
  void alterConfigs_replacesTheWholeSet() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("whole", 1, (short) 1)
                      .configs(Map.of("retention.ms", "1000", "segment.ms", "60000"))))
          .all()
          .get();
      AlterConfigsRequest request =
          new AlterConfigsRequest()
              .setResources(
                  new ArrayList<>(
                      List.of(
                          new AlterConfigsRequest.AlterConfigsResource()
                              .setResourceType((byte) 2)
                              .setResourceName("whole")
                              .setConfigs(
                                  new ArrayList<>(
                                      List.of(
                                          new AlterConfigsRequest.AlterableConfig()
                                              .setName("retention.bytes")
                                              .setValue("5000")))),
                          new AlterConfigsRequest.AlterConfigsResource()
                              .setResourceType((byte) 2)
                              .setResourceName("whole")
                              .setConfigs(
                                  new ArrayList<>(
                                      List.of(
                                          new AlterConfigsRequest.AlterableConfig()
                                              .setName("retention.bytes")
                                              .setValue("lots"))))
                              .setResourceName("missing"))));
      AlterConfigsResponse response;
      try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
        raw.send(ApiKey.ALTER_CONFIGS.id(), (short) 1, 7, request);
        ByteBuffer frame = raw.readFrame();
        assertEquals(7, frame.getInt());
        response =
            AlterConfigsResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 1);
      }
      assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
      assertEquals(
          Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.responses().get(1).errorCode());
      Config config = describe(admin, topic("whole"));
      assertEquals("5000", config.get("retention.bytes").value());
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("retention.ms").source());
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("segment.ms").source());
    }
  }

  @Test
  void logAppendTime_setLive_brokerStampsBatches_consumersSeeIt() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("stamped", 1, (short) 1))).all().get();
      long old = 1_000_000L;
      assertEquals(
          old,
          producer
              .send(new ProducerRecord<>("stamped", 0, old, null, new byte[1]))
              .get()
              .timestamp());

      alter(
          admin,
          "stamped",
          op("message.timestamp.type", "LogAppendTime", AlterConfigOp.OpType.SET));
      long before = System.currentTimeMillis();
      long stamped =
          producer
              .send(new ProducerRecord<>("stamped", 0, old, null, new byte[1]))
              .get()
              .timestamp();
      long after = System.currentTimeMillis();
      assertTrue(
          stamped >= before && stamped <= after,
          stamped + " not in [" + before + ", " + after + "]");

      try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
          new org.apache.kafka.clients.consumer.KafkaConsumer<>(
              KafkaClients.consumer(broker.bootstrapServers()))) {
        org.apache.kafka.common.TopicPartition tp =
            new org.apache.kafka.common.TopicPartition("stamped", 0);
        consumer.assign(List.of(tp));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records =
            new ArrayList<>();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (records.size() < 2 && System.nanoTime() < deadline) {
          consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
        }
        assertEquals(2, records.size());
        assertEquals(
            org.apache.kafka.common.record.TimestampType.CREATE_TIME,
            records.get(0).timestampType());
        assertEquals(old, records.get(0).timestamp());
        assertEquals(
            org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME,
            records.get(1).timestampType());
        assertEquals(stamped, records.get(1).timestamp());
      }
    }
  }

  @Test
  void brokerResource_describedReadOnly_alterRefused() throws Exception {
    try (EmbeddedBroker broker =
            EmbeddedBroker.start(
                Map.of(
                    "num.partitions", "3",
                    "ssl.keystore.password", "secret-keystore-pass",
                    "ssl.truststore.password", "secret-truststore-pass"));
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      ConfigResource self = new ConfigResource(ConfigResource.Type.BROKER, "0");
      Config config = describe(admin, self);
      // Secrets are never sent: no value, marked sensitive, in no synonym either (as Kafka).
      for (String secret : List.of("ssl.keystore.password", "ssl.truststore.password")) {
        ConfigEntry entry = config.get(secret);
        assertNull(entry.value(), secret);
        assertTrue(entry.isSensitive(), secret);
      }
      for (ConfigEntry entry : config.entries()) {
        assertFalse(String.valueOf(entry.value()).contains("secret-"), entry.name());
        for (ConfigEntry.ConfigSynonym synonym : entry.synonyms()) {
          assertFalse(String.valueOf(synonym.value()).contains("secret-"), synonym.name());
        }
      }
      ConfigEntry partitions = config.get("num.partitions");
      assertEquals("3", partitions.value());
      assertTrue(partitions.isReadOnly());
      assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, partitions.source());
      ConfigEntry segment = config.get("log.segment.bytes");
      assertEquals("1073741824", segment.value());
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, segment.source());
      assertNull(config.get("retention.ms"));

      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .incrementalAlterConfigs(
                          Map.of(
                              self, List.of(op("num.partitions", "4", AlterConfigOp.OpType.SET))))
                      .all()
                      .get());
      assertInstanceOf(InvalidConfigurationException.class, refused.getCause());
    }
  }

  private static long segmentFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }

  /**
   * cleanup.policy set on a live topic starts the cleaner on it without a restart: the log keeps
   * the latest value of every key, at its original offset, and loses the older ones.
   */
  @Test
  void cleanupPolicyCompactSetLive_cleanerKeepsTheLatestValuePerKey() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.cleaner.backoff.ms", "50"));
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic("kv", 1, (short) 1).configs(Map.of("segment.bytes", "2048"))))
          .all()
          .get();
      Map<String, String> latest = new java.util.HashMap<>();
      Map<String, Long> latestOffset = new java.util.HashMap<>();
      int sent = 300;
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        for (int i = 0; i < sent; i++) {
          String key = "key-" + (i % 10);
          String value = "value-" + i;
          long offset =
              producer
                  .send(new ProducerRecord<>("kv", key.getBytes(UTF_8), value.getBytes(UTF_8)))
                  .get()
                  .offset();
          latest.put(key, value);
          latestOffset.put(key, offset);
        }
      }
      alter(
          admin,
          "kv",
          op("cleanup.policy", "compact", AlterConfigOp.OpType.SET),
          op("min.cleanable.dirty.ratio", "0.01", AlterConfigOp.OpType.SET));

      Await.until(
          "the cleaner to remove superseded values",
          () -> readAll(broker.bootstrapServers(), "kv", sent).size() < sent / 2);
      List<ConsumerRecord<byte[], byte[]>> left = readAll(broker.bootstrapServers(), "kv", sent);
      Map<String, String> seen = new java.util.HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : left) {
        String key = new String(r.key(), UTF_8);
        seen.put(key, new String(r.value(), UTF_8));
        if (r.offset() == latestOffset.get(key)) {
          assertEquals(latest.get(key), new String(r.value(), UTF_8), "offset " + r.offset());
        }
      }
      assertEquals(latest, seen);
      for (Map.Entry<String, Long> e : latestOffset.entrySet()) {
        assertTrue(
            left.stream().anyMatch(r -> r.offset() == e.getValue()),
            "the latest value of " + e.getKey() + " kept at offset " + e.getValue());
      }
    }
  }

  /** Every record of the partition from offset 0 up to {@code end}. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrap, String topic, long end) {
    org.apache.kafka.common.TopicPartition tp =
        new org.apache.kafka.common.TopicPartition(topic, 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap))) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(200))) {
          records.add(r);
        }
      }
    }
    return records;
  }
}
