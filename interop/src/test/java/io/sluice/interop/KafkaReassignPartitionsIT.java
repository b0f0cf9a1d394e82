package io.sluice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own {@code kafka-reassign-partitions} (kafka-tools 4.4's {@code
 * ReassignPartitionsCommand}, run in-process as {@code KafkaToolsIT} runs the other tools) against
 * three Sluice brokers on an in-process ZooKeeper: {@code --generate} prints the current assignment
 * and a proposal over the brokers, {@code --execute} starts a plan that moves every partition and
 * adds a replica to it, {@code --list} answers, {@code --verify} is run until every partition
 * reports its reassignment complete (it then clears the replication throttles, which succeeds), and
 * the topic then has the planned replicas, every one in sync, and all its records; and {@code
 * --cancel} reverts a reassignment that cannot progress (its partition offline) after {@code
 * --list} showed it with its adding and removing replicas.
 */
class KafkaReassignPartitionsIT {
  private static final long WAIT_MS = 90_000;
  private static final String TOPIC = "reassigned";

  @TempDir Path tmp;
  TestingServer zk;
  final List<EmbeddedBroker> brokers = new ArrayList<>();
  Admin admin;

  @BeforeEach
  void start() throws Exception {
    Exit.setExitProcedure(
        (code, message) -> {
          throw new KafkaToolsIT.ToolExit(code, message);
        });
    // 500 ms ticks allow the brokers' 4 s sessions; port 0 style: a free port on 127.0.0.1.
    zk =
        new TestingServer(
            new InstanceSpec(
                null,
                -1,
                -1,
                -1,
                true,
                1,
                500,
                -1,
                Map.of("admin.enableServer", "false"),
                "127.0.0.1"),
            true);
    for (int id = 1; id <= 3; id++) {
      brokers.add(
          EmbeddedBroker.start(
              Files.createDirectory(tmp.resolve("broker-" + id)),
              Map.of(
                  "zookeeper.connect",
                  zk.getConnectString() + "/sluice",
                  "zookeeper.session.timeout.ms",
                  "4000",
                  "broker.id",
                  Integer.toString(id),
                  "replica.lag.time.max.ms",
                  "2000")));
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    admin = Admin.create(props);
    waitFor("three brokers", () -> admin.describeCluster().nodes().get().size() == 3);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (admin != null) {
        admin.close();
      }
      for (EmbeddedBroker broker : brokers) {
        broker.close();
      }
    } finally {
      try {
        if (zk != null) {
          zk.close();
        }
      } finally {
        Exit.resetExitProcedure();
      }
    }
  }

  private String bootstrap() {
    List<String> all = new ArrayList<>();
    brokers.forEach(b -> all.add(b.bootstrapServers()));
    return String.join(",", all);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private static void waitFor(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMillis(WAIT_MS).toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Runs the tool's main with these arguments (after --bootstrap-server); returns its output. */
  private String tool(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-server";
    all[1] = bootstrap();
    System.arraycopy(args, 0, all, 2, args.length);
    Method main =
        Class.forName("org.apache.kafka.tools.reassign.ReassignPartitionsCommand")
            .getMethod("main", String[].class);
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      main.invoke(null, (Object) all);
    } catch (InvocationTargetException e) {
      if (!(e.getCause() instanceof KafkaToolsIT.ToolExit exit) || exit.code != 0) {
        throw new AssertionError(
            "the tool failed: " + e.getCause() + "\n" + bytes.toString(StandardCharsets.UTF_8),
            e.getCause());
      }
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private TopicDescription describe() throws Exception {
    return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  /** The JSON on the line after {@code heading} in the tool's output. */
  private static String jsonAfter(String output, String heading) {
    Matcher m = Pattern.compile(Pattern.quote(heading) + "\\R(\\{.*})").matcher(output);
    assertTrue(m.find(), "no '" + heading + "' in:\n" + output);
    return m.group(1);
  }

  /** Partition to replicas of a reassignment JSON the tool printed. */
  private static Map<Integer, List<Integer>> replicasOf(String json) {
    Map<Integer, List<Integer>> out = new TreeMap<>();
    Matcher m =
        Pattern.compile(
                "\"topic\":\"" + TOPIC + "\",\"partition\":(\\d+),\"replicas\":\\[([0-9,]*)]")
            .matcher(json);
    while (m.find()) {
      List<Integer> replicas = new ArrayList<>();
      for (String id : m.group(2).split(",")) {
        replicas.add(Integer.parseInt(id));
      }
      out.put(Integer.parseInt(m.group(1)), replicas);
    }
    return out;
  }

  @Test
  void generateExecuteVerify_movesThePartitionsAsProposed() throws Exception {
    admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
    waitFor(
        "the topic's leaders",
        () -> describe().partitions().stream().allMatch(p -> p.leader() != null));
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < 400; i++) {
        producer.send(new ProducerRecord<>(TOPIC, i % 4, null, new byte[100]));
      }
      producer.flush();
    }

    // --generate: the current assignment and a proposal over brokers 1-3 (one replica each).
    Path topics = tmp.resolve("topics.json");
    Files.writeString(topics, "{\"version\":1,\"topics\":[{\"topic\":\"" + TOPIC + "\"}]}");
    String generated =
        tool(
            "--topics-to-move-json-file",
            topics.toString(),
            "--broker-list",
            "1,2,3",
            "--generate");
    Map<Integer, List<Integer>> current =
        replicasOf(jsonAfter(generated, "Current partition replica assignment"));
    assertEquals(4, current.size(), generated);
    for (TopicPartitionInfo p : describe().partitions()) {
      assertEquals(ids(p.replicas()), current.get(p.partition()), generated);
    }
    Map<Integer, List<Integer>> proposal =
        replicasOf(jsonAfter(generated, "Proposed partition reassignment configuration"));
    assertEquals(4, proposal.size(), generated);
    for (List<Integer> replicas : proposal.values()) {
      assertEquals(1, replicas.size(), generated);
      assertTrue(List.of(1, 2, 3).containsAll(replicas), generated);
    }

    // Execute a move of every partition to its next broker, with a second replica: RF 1 -> 2.
    Map<Integer, List<Integer>> proposed = new TreeMap<>();
    StringBuilder json = new StringBuilder("{\"version\":1,\"partitions\":[");
    for (Map.Entry<Integer, List<Integer>> e : current.entrySet()) {
      int now = e.getValue().get(0);
      List<Integer> target = List.of(now % 3 + 1, (now + 1) % 3 + 1);
      proposed.put(e.getKey(), target);
      json.append(e.getKey() == 0 ? "" : ",")
          .append("{\"topic\":\"")
          .append(TOPIC)
          .append("\",\"partition\":")
          .append(e.getKey())
          .append(",\"replicas\":[")
          .append(target.get(0))
          .append(",")
          .append(target.get(1))
          .append("],\"log_dirs\":[\"any\",\"any\"]}");
    }
    json.append("]}");
    Path plan = tmp.resolve("plan.json");
    Files.writeString(plan, json);
    String executed = tool("--reassignment-json-file", plan.toString(), "--execute");
    assertTrue(executed.contains("Successfully started partition reassignments for "), executed);

    String listed = tool("--list");
    assertTrue(
        listed.contains("Current partition reassignments:")
            || listed.contains("No partition reassignments found."),
        listed);

    waitFor(
        "--verify to report every reassignment complete",
        () -> {
          String verified = tool("--reassignment-json-file", plan.toString(), "--verify");
          return verified.contains("Reassignment of partition " + TOPIC + "-3 is completed.")
              && !verified.contains("is still in progress");
        });
    TopicDescription after = describe();
    for (TopicPartitionInfo p : after.partitions()) {
      assertEquals(proposed.get(p.partition()), ids(p.replicas()), "partition " + p.partition());
      assertEquals(2, p.isr().size(), "partition " + p.partition() + " in sync: " + p.isr());
    }
    assertEquals(
        Map.of(), admin.listPartitionReassignments().reassignments().get(), "nothing in progress");
    long total = 0;
    for (var offsets :
        admin
            .listOffsets(
                Map.of(
                    new org.apache.kafka.common.TopicPartition(TOPIC, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest(),
                    new org.apache.kafka.common.TopicPartition(TOPIC, 1),
                    org.apache.kafka.clients.admin.OffsetSpec.latest(),
                    new org.apache.kafka.common.TopicPartition(TOPIC, 2),
                    org.apache.kafka.clients.admin.OffsetSpec.latest(),
                    new org.apache.kafka.common.TopicPartition(TOPIC, 3),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()))
            .all()
            .get()
            .values()) {
      total += offsets.offset();
    }
    assertEquals(400, total, "every record still there");
  }

  @Test
  void cancel_revertsAReassignmentThatCannotProgress() throws Exception {
    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    waitFor("the topic's leader", () -> describe().partitions().get(0).leader() != null);
    int owner = describe().partitions().get(0).leader().id();
    int other = owner % 3 + 1;
    // Its only replica's broker stopped: the partition is offline and nothing can copy it.
    brokers.remove(owner - 1).close();
    waitFor("the partition offline", () -> describe().partitions().get(0).leader() == null);

    Path plan = tmp.resolve("stuck.json");
    Files.writeString(
        plan,
        "{\"version\":1,\"partitions\":[{\"topic\":\""
            + TOPIC
            + "\",\"partition\":0,\"replicas\":["
            + other
            + "],\"log_dirs\":[\"any\"]}]}");
    String executed = tool("--reassignment-json-file", plan.toString(), "--execute");
    assertTrue(
        executed.contains("Successfully started partition reassignment for " + TOPIC + "-0"),
        executed);
    waitFor("--list to show it", () -> tool("--list").contains(TOPIC + "-0: replicas: "));
    String listed = tool("--list");
    assertTrue(listed.contains("adding: " + other + "."), listed);
    assertTrue(listed.contains("removing: " + owner + "."), listed);

    String cancelled = tool("--reassignment-json-file", plan.toString(), "--cancel");
    assertTrue(
        cancelled.contains("Successfully cancelled partition reassignment for: " + TOPIC + "-0"),
        cancelled);
    waitFor(
        "the original replica back",
        () ->
            admin.listPartitionReassignments().reassignments().get().isEmpty()
                && ids(describe().partitions().get(0).replicas()).equals(List.of(owner)));
    assertTrue(tool("--list").contains("No partition reassignments found."));
  }
}
