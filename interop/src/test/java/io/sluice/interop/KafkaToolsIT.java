package io.sluice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own command-line tools (kafka-tools 4.4: TopicCommand, ConfigCommand,
 * ConsumerGroupCommand, DeleteRecordsCommand, LogDirsCommand, AclCommand) run in-process against an
 * embedded Sluice broker, through the entry points their {@code main} methods call minus the {@code
 * System.exit}; Kafka's exit procedure is replaced so that a tool that tries to exit fails the test
 * instead. Each effect is checked with kafka-clients' AdminClient, and the tools' output with the
 * text Kafka prints.
 */
class KafkaToolsIT {
  @TempDir Path tmp;
  EmbeddedBroker broker;
  Admin admin;

  @BeforeEach
  void start() {
    Exit.setExitProcedure(
        (code, message) -> {
          throw new ToolExit(code, message);
        });
    broker = EmbeddedBroker.start();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    admin = Admin.create(props);
  }

  @AfterEach
  void stop() {
    try {
      if (admin != null) {
        admin.close();
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      Exit.resetExitProcedure();
    }
  }

  /** Runs {@code action} with System.out captured; returns what it printed. */
  private static synchronized String stdout(ThrowingRunnable action) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      action.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** A tool's call of Kafka's exit procedure, thrown instead of exiting the test JVM. */
  static final class ToolExit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    ToolExit(int code, String message) {
      super("the tool exited with " + code + ": " + message);
      this.code = code;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Calls a static method of a tool class that is not public (the tools' testing seams). */
  private static Object call(String className, String method, Class<?>[] types, Object... args)
      throws Exception {
    Method m = Class.forName(className).getDeclaredMethod(method, types);
    m.setAccessible(true);
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof ToolExit exit && exit.code == 0) {
        return null; // a tool that finished its work and exits with success
      }
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private void topicCommand(String... args) throws Exception {
    call(
        "org.apache.kafka.tools.TopicCommand",
        "execute",
        new Class<?>[] {String[].class},
        (Object) withBootstrap(args));
  }

  private String[] withBootstrap(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-server";
    all[1] = broker.bootstrapServers();
    System.arraycopy(args, 0, all, 2, args.length);
    return all;
  }

  private Config topicConfig(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource);
  }

  private void produce(String topic, int count) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, new byte[100])).get();
      }
    }
  }

  @Test
  void topicCommand_createWithConfig_describe_alterPartitions() throws Exception {
    topicCommand(
        "--create",
        "--topic",
        "tools",
        "--partitions",
        "2",
        "--replication-factor",
        "1",
        "--config",
        "retention.ms=3600000",
        "--config",
        "cleanup.policy=compact");
    Config config = topicConfig("tools");
    assertEquals("3600000", config.get("retention.ms").value());
    assertEquals(
        ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
    assertEquals("compact", config.get("cleanup.policy").value());

    String described = stdout(() -> topicCommand("--describe", "--topic", "tools"));
    assertTrue(described.contains("Topic: tools"), described);
    assertTrue(described.contains("PartitionCount: 2"), described);
    assertTrue(described.contains("ReplicationFactor: 1"), described);
    assertTrue(described.contains("Configs: "), described);
    assertTrue(described.contains("cleanup.policy=compact"), described);
    assertTrue(described.contains("retention.ms=3600000"), described);
    assertTrue(described.contains("Partition: 1\tLeader: 0\tReplicas: 0\tIsr: 0"), described);

    topicCommand("--alter", "--topic", "tools", "--partitions", "5");
    assertEquals(
        5,
        admin
            .describeTopics(List.of("tools"))
            .allTopicNames()
            .get()
            .get("tools")
            .partitions()
            .size());
    String after = stdout(() -> topicCommand("--describe", "--topic", "tools"));
    assertTrue(after.contains("PartitionCount: 5"), after);
  }

  @Test
  void configCommand_describeAndAlterTopicConfig() throws Exception {
    admin
        .createTopics(
            List.of(
                new org.apache.kafka.clients.admin.NewTopic("cfg", 1, (short) 1)
                    .configs(Map.of("segment.ms", "60000"))))
        .all()
        .get();
    configCommand(
        "--entity-type",
        "topics",
        "--entity-name",
        "cfg",
        "--alter",
        "--add-config",
        "retention.ms=5000,max.message.bytes=4096",
        "--delete-config",
        "segment.ms");
    Config config = topicConfig("cfg");
    assertEquals("5000", config.get("retention.ms").value());
    assertEquals("4096", config.get("max.message.bytes").value());
    assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("segment.ms").source());

    String described =
        stdout(
            () -> configCommand("--entity-type", "topics", "--entity-name", "cfg", "--describe"));
    assertTrue(described.contains("Dynamic configs for topic cfg are:"), described);
    assertTrue(
        described.contains(
            "retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000,"
                + " DEFAULT_CONFIG:log.retention.ms=604800000}"),
        described);
    assertFalse(described.contains("segment.ms="), described);

    String brokers =
        stdout(
            () ->
                configCommand(
                    "--entity-type", "brokers", "--entity-name", "0", "--describe", "--all"));
    assertTrue(brokers.contains("All configs for broker 0 are:"), brokers);
    assertTrue(brokers.contains("log.segment.bytes=1073741824"), brokers);
  }

  /**
   * Kafka's {@code kafka-configs} (ConfigCommand) manages SCRAM users on Sluice: {@code --alter
   * --add-config 'SCRAM-SHA-256=[iterations=8192,password=...]' --entity-type users} stores the
   * credential (read back with the Admin API), the user authenticates with kafka-clients over a
   * SASL listener, {@code --describe} shows it (with the user's quotas, DescribeClientQuotas), and
   * {@code --delete-config} removes it.
   */
  @Test
  void configCommand_scramUsers_thenTheUserAuthenticates() throws Exception {
    admin.close();
    broker.close();
    broker =
        EmbeddedBroker.start(
            Map.of(
                "listeners",
                "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms",
                "SCRAM-SHA-256,SCRAM-SHA-512"));
    Properties plain = new Properties();
    plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers("PLAINTEXT"));
    admin = Admin.create(plain);

    configCommand(
        "--alter",
        "--add-config",
        "SCRAM-SHA-256=[iterations=8192,password=alice-secret]",
        "--entity-type",
        "users",
        "--entity-name",
        "alice");
    Map<String, org.apache.kafka.clients.admin.UserScramCredentialsDescription> users =
        admin.describeUserScramCredentials().all().get();
    assertEquals(Set.of("alice"), users.keySet());
    assertEquals(8192, users.get("alice").credentialInfos().get(0).iterations());
    // --describe of users describes their quotas (DescribeClientQuotas) and their credentials.
    String described =
        stdout(
            () -> configCommand("--describe", "--entity-type", "users", "--entity-name", "alice"));
    assertTrue(
        described.contains(
            "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192"),
        described);

    Properties alice = new Properties();
    alice.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers("SASL_PLAINTEXT"));
    alice.put("security.protocol", "SASL_PLAINTEXT");
    alice.put("sasl.mechanism", "SCRAM-SHA-256");
    alice.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"alice\" password=\"alice-secret\";");
    try (Admin asAlice = Admin.create(alice)) {
      assertEquals(1, asAlice.describeCluster().nodes().get().size());
    }

    configCommand(
        "--alter",
        "--delete-config",
        "SCRAM-SHA-256",
        "--entity-type",
        "users",
        "--entity-name",
        "alice");
    assertEquals(Map.of(), admin.describeUserScramCredentials().all().get());
  }

  /**
   * Kafka's {@code kafka-configs} manages client quotas on Sluice: {@code --alter --add-config
   * producer_byte_rate=...} for a user, a client id, a (user, client id) pair and the defaults
   * ({@code --entity-default}), read back with the Admin API; {@code --describe --entity-type
   * users} and {@code --entity-type clients} print them as Kafka does; {@code --delete-config}
   * removes one; a bad value fails the tool with the broker's message.
   */
  @Test
  void configCommand_clientQuotas_alterDescribeDelete() throws Exception {
    configCommand(
        "--alter",
        "--add-config",
        "producer_byte_rate=1048576,consumer_byte_rate=2097152",
        "--entity-type",
        "users",
        "--entity-name",
        "alice");
    configCommand(
        "--alter",
        "--add-config",
        "consumer_byte_rate=4096",
        "--entity-type",
        "clients",
        "--entity-name",
        "reporting");
    configCommand(
        "--alter",
        "--add-config",
        "producer_byte_rate=512",
        "--entity-type",
        "users",
        "--entity-name",
        "alice",
        "--entity-type",
        "clients",
        "--entity-name",
        "batch");
    configCommand(
        "--alter",
        "--add-config",
        "producer_byte_rate=1024",
        "--entity-type",
        "users",
        "--entity-default");
    Map<ClientQuotaEntity, Map<String, Double>> quotas =
        admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get();
    assertEquals(
        Map.of("producer_byte_rate", 1048576.0, "consumer_byte_rate", 2097152.0),
        quotas.get(new ClientQuotaEntity(Map.of("user", "alice"))));
    assertEquals(
        Map.of("consumer_byte_rate", 4096.0),
        quotas.get(new ClientQuotaEntity(Map.of("client-id", "reporting"))));
    assertEquals(
        Map.of("producer_byte_rate", 512.0),
        quotas.get(new ClientQuotaEntity(Map.of("user", "alice", "client-id", "batch"))));
    java.util.HashMap<String, String> defaultUser = new java.util.HashMap<>();
    defaultUser.put("user", null);
    assertEquals(
        Map.of("producer_byte_rate", 1024.0), quotas.get(new ClientQuotaEntity(defaultUser)));

    String users = stdout(() -> configCommand("--describe", "--entity-type", "users"));
    assertTrue(
        users.contains(
                "Quota configs for user-principal 'alice' are"
                    + " consumer_byte_rate=2097152.0, producer_byte_rate=1048576.0")
            || users.contains(
                "Quota configs for user-principal 'alice' are"
                    + " producer_byte_rate=1048576.0, consumer_byte_rate=2097152.0"),
        users);
    assertTrue(
        users.contains(
            "Quota configs for the default user-principal are producer_byte_rate=1024.0"),
        users);
    String clients = stdout(() -> configCommand("--describe", "--entity-type", "clients"));
    assertTrue(
        clients.contains("Quota configs for client-id 'reporting' are consumer_byte_rate=4096.0"),
        clients);

    configCommand(
        "--alter",
        "--delete-config",
        "consumer_byte_rate",
        "--entity-type",
        "clients",
        "--entity-name",
        "reporting");
    String after = stdout(() -> configCommand("--describe", "--entity-type", "clients"));
    assertTrue(!after.contains("reporting"), after);

    Exception bad =
        org.junit.jupiter.api.Assertions.assertThrows(
            Exception.class,
            () ->
                configCommand(
                    "--alter",
                    "--add-config",
                    "producer_byte_rate=-5",
                    "--entity-type",
                    "users",
                    "--entity-name",
                    "bob"));
    assertTrue(String.valueOf(bad).contains("must be greater than 0"), String.valueOf(bad));
  }

  private void configCommand(String... args) throws Exception {
    Class<?> optionsClass =
        Class.forName("org.apache.kafka.tools.ConfigCommand$ConfigCommandOptions");
    Constructor<?> constructor = optionsClass.getDeclaredConstructor(String[].class);
    constructor.setAccessible(true);
    Object options = constructor.newInstance((Object) withBootstrap(args));
    Method checkArgs = optionsClass.getMethod("checkArgs");
    checkArgs.setAccessible(true);
    checkArgs.invoke(options);
    call(
        "org.apache.kafka.tools.ConfigCommand",
        "processCommand",
        new Class<?>[] {optionsClass},
        options);
  }

  private String consumerGroupCommand(String... args) throws Exception {
    Class<?> optionsClass =
        Class.forName("org.apache.kafka.tools.consumer.group.ConsumerGroupCommandOptions");
    Object options =
        optionsClass
            .getMethod("fromArgs", String[].class)
            .invoke(null, (Object) withBootstrap(args));
    return stdout(
        () ->
            call(
                "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                "run",
                new Class<?>[] {optionsClass},
                options));
  }

  @Test
  void consumerGroupCommand_deleteOffsets_thenDelete() throws Exception {
    admin
        .createTopics(
            List.of(
                new org.apache.kafka.clients.admin.NewTopic("a", 1, (short) 1),
                new org.apache.kafka.clients.admin.NewTopic("b", 1, (short) 1)))
        .all()
        .get();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "grp");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(new TopicPartition("a", 0), new TopicPartition("b", 0)));
      consumer.commitSync(
          Map.of(
              new TopicPartition("a", 0), new OffsetAndMetadata(0),
              new TopicPartition("b", 0), new OffsetAndMetadata(0)));
    }
    String deletedOffsets =
        consumerGroupCommand("--delete-offsets", "--group", "grp", "--topic", "a");
    assertTrue(
        deletedOffsets.contains("Request succeeded for deleting offsets from group grp."),
        deletedOffsets);
    assertEquals(
        Set.of(new TopicPartition("b", 0)),
        admin.listConsumerGroupOffsets("grp").partitionsToOffsetAndMetadata().get().keySet());

    String deleted = consumerGroupCommand("--delete", "--group", "grp");
    assertTrue(
        deleted.contains("Deletion of requested consumer groups ('grp') was successful."), deleted);
    assertTrue(
        admin.listConsumerGroupOffsets("grp").partitionsToOffsetAndMetadata().get().isEmpty());
  }

  @Test
  void deleteRecordsAndLogDirsCommands() throws Exception {
    admin
        .createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("recs", 1, (short) 1)))
        .all()
        .get();
    produce("recs", 10);
    Path json = tmp.resolve("offsets.json");
    Files.writeString(
        json, "{\"partitions\":[{\"topic\":\"recs\",\"partition\":0,\"offset\":6}],\"version\":1}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      org.apache.kafka.tools.DeleteRecordsCommand.execute(
          withBootstrap("--offset-json-file", json.toString()), out);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("partition: recs-0\tlow_watermark: 6"), printed);
    TopicPartition tp = new TopicPartition("recs", 0);
    assertEquals(
        6, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());

    String dirs =
        stdout(
            () -> {
              Object code =
                  call(
                      "org.apache.kafka.tools.LogDirsCommand",
                      "mainNoExit",
                      new Class<?>[] {String[].class},
                      (Object) withBootstrap("--describe", "--broker-list", "0"));
              assertEquals(0, code);
            });
    String logDir = broker.dataDir().toAbsolutePath().toString();
    assertTrue(dirs.contains("\"logDir\":\"" + logDir + "\""), dirs);
    long size = Files.size(broker.dataDir().resolve("recs-0").resolve("00000000000000000000.log"));
    assertTrue(
        dirs.contains(
            "{\"partition\":\"recs-0\",\"size\":" + size + ",\"offsetLag\":0,\"isFuture\":false}"),
        dirs);
  }

  /**
   * Kafka's AclCommand (kafka-acls) against a broker with the authorizer on and the plaintext
   * client a super user: --add with operations, the --consumer shortcut, a DENY and the cluster
   * resource, --list (everything, and what applies to one topic through a prefixed ACL), --remove
   * of one ACL and of a resource's every ACL; each effect checked with the AdminClient.
   */
  @Test
  void aclCommand_addListRemove() throws Exception {
    try (EmbeddedBroker secured =
            EmbeddedBroker.start(
                Map.of(
                    "authorizer.class.name",
                    "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users",
                    "User:ANONYMOUS"));
        Admin securedAdmin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secured.bootstrapServers()))) {
      String bootstrap = secured.bootstrapServers();
      aclCommand(
          bootstrap,
          "--add",
          "--allow-principal",
          "User:alice",
          "--operation",
          "Read",
          "--operation",
          "Write",
          "--topic",
          "sales-",
          "--resource-pattern-type",
          "prefixed");
      aclCommand(
          bootstrap,
          "--add",
          "--allow-principal",
          "User:bob",
          "--consumer",
          "--topic",
          "orders",
          "--group",
          "app");
      aclCommand(
          bootstrap,
          "--add",
          "--deny-principal",
          "User:*",
          "--operation",
          "Delete",
          "--topic",
          "orders");
      aclCommand(
          bootstrap, "--add", "--allow-principal", "User:ops", "--operation", "Alter", "--cluster");

      Set<String> all = acls(securedAdmin);
      assertEquals(
          Set.of(
              "TOPIC:sales-:PREFIXED User:alice READ ALLOW",
              "TOPIC:sales-:PREFIXED User:alice WRITE ALLOW",
              "TOPIC:orders:LITERAL User:bob READ ALLOW",
              "TOPIC:orders:LITERAL User:bob DESCRIBE ALLOW",
              "GROUP:app:LITERAL User:bob READ ALLOW",
              "TOPIC:orders:LITERAL User:* DELETE DENY",
              "CLUSTER:kafka-cluster:LITERAL User:ops ALTER ALLOW"),
          all);

      String listed = stdout(() -> aclCommand(bootstrap, "--list"));
      assertTrue(
          listed.contains(
              "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=sales-,"
                  + " patternType=PREFIXED)`:"),
          listed);
      assertTrue(
          listed.contains("(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)"),
          listed);
      String forTopic =
          stdout(
              () ->
                  aclCommand(
                      bootstrap,
                      "--list",
                      "--topic",
                      "sales-eu",
                      "--resource-pattern-type",
                      "match"));
      assertTrue(forTopic.contains("name=sales-, patternType=PREFIXED"), forTopic);
      assertFalse(forTopic.contains("name=orders"), forTopic);

      aclCommand(
          bootstrap,
          "--remove",
          "--allow-principal",
          "User:alice",
          "--operation",
          "Write",
          "--topic",
          "sales-",
          "--resource-pattern-type",
          "prefixed",
          "--force");
      aclCommand(bootstrap, "--remove", "--topic", "orders", "--force");
      assertEquals(
          Set.of(
              "TOPIC:sales-:PREFIXED User:alice READ ALLOW",
              "GROUP:app:LITERAL User:bob READ ALLOW",
              "CLUSTER:kafka-cluster:LITERAL User:ops ALTER ALLOW"),
          acls(securedAdmin));
    }
  }

  /** Without an authorizer kafka-acls reports Kafka's "security disabled" and exits with 1. */
  @Test
  void aclCommand_noAuthorizer_securityDisabled() throws Exception {
    String printed =
        stdout(
            () -> {
              ToolExit exit =
                  org.junit.jupiter.api.Assertions.assertThrows(
                      ToolExit.class, () -> aclCommand(broker.bootstrapServers(), "--list"));
              assertEquals(1, exit.code);
            });
    assertTrue(
        printed.contains("SecurityDisabledException: No authorizer is configured."), printed);
  }

  private static void aclCommand(String bootstrap, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-server";
    all[1] = bootstrap;
    System.arraycopy(args, 0, all, 2, args.length);
    org.apache.kafka.tools.AclCommand.main(all);
  }

  private static Set<String> acls(Admin admin) throws Exception {
    Set<String> out = new java.util.HashSet<>();
    for (org.apache.kafka.common.acl.AclBinding b :
        admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get()) {
      out.add(
          b.pattern().resourceType()
              + ":"
              + b.pattern().name()
              + ":"
              + b.pattern().patternType()
              + " "
              + b.entry().principal()
              + " "
              + b.entry().operation()
              + " "
              + b.entry().permissionType());
    }
    return out;
  }
}
