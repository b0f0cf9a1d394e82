package io.sluice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.function.BooleanSupplier;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's {@code kafka-leader-election} tool (kafka-tools 4.4's {@code LeaderElectionCommand}, run
 * in-process through the entry point its {@code main} calls) against three Sluice brokers on an
 * in-process ZooKeeper with {@code auto.leader.rebalance.enable=false}: after the preferred
 * leader's broker was stopped and started again, the tool moves leadership back, and prints Kafka's
 * lines for partitions elected, partitions that needed nothing and partitions that do not exist.
 */
class LeaderElectionToolIT {
  private static final long WAIT_MS = 60_000;
  private static final String TOPIC = "tooled";

  @TempDir Path tmp;
  private TestingServer zk;
  private final Map<Integer, EmbeddedBroker> brokers = new TreeMap<>();
  private Admin admin;

  @BeforeEach
  void start() throws Exception {
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
      brokers.put(id, broker(id));
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    admin = Admin.create(props);
  }

  private EmbeddedBroker broker(int id) throws Exception {
    Path dir = tmp.resolve("broker-" + id);
    Files.createDirectories(dir);
    return EmbeddedBroker.start(
        dir,
        Map.of(
            "zookeeper.connect",
            zk.getConnectString() + "/sluice",
            "zookeeper.session.timeout.ms",
            "4000",
            "broker.id",
            Integer.toString(id),
            "auto.leader.rebalance.enable",
            "false"));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (admin != null) {
        admin.close();
      }
      for (EmbeddedBroker broker : brokers.values()) {
        try {
          broker.close();
        } catch (RuntimeException e) {
          // keep stopping the others
        }
      }
    } finally {
      zk.close();
    }
  }

  private String bootstrap() {
    List<String> all = new ArrayList<>();
    brokers.values().forEach(b -> all.add(b.bootstrapServers()));
    return String.join(",", all);
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

  private List<TopicPartitionInfo> partitions() {
    try {
      return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      return List.of();
    }
  }

  private static int leader(TopicPartitionInfo info) {
    return info.leader() == null ? -1 : info.leader().id();
  }

  private static boolean inSync(TopicPartitionInfo info, int id) {
    return info.isr().stream().anyMatch(n -> n.id() == id);
  }

  /** Runs the tool as {@code main} would, minus the exit; returns what it printed. */
  private String tool(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-server";
    all[1] = bootstrap();
    System.arraycopy(args, 0, all, 2, args.length);
    Method run =
        Class.forName("org.apache.kafka.tools.LeaderElectionCommand")
            .getDeclaredMethod("run", Duration.class, String[].class);
    run.setAccessible(true);
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    synchronized (LeaderElectionToolIT.class) {
      try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
        System.setOut(capture);
        run.invoke(null, Duration.ofSeconds(30), all);
      } catch (InvocationTargetException e) {
        throw new ToolFailure(bytes.toString(StandardCharsets.UTF_8), e.getCause());
      } finally {
        System.setOut(original);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The tool threw (as it does when a partition could not be elected), with what it printed. */
  static final class ToolFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final String output;

    ToolFailure(String output, Throwable cause) {
      super(cause);
      this.output = output;
    }
  }

  @Test
  void preferredElectionByTheTool_afterTheLeadersBrokerCameBack() throws Exception {
    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
    waitFor(
        "three in-sync replicas",
        () -> !partitions().isEmpty() && partitions().get(0).isr().size() == 3);
    int preferred = partitions().get(0).replicas().get(0).id();
    assertEquals(preferred, leader(partitions().get(0)));

    brokers.remove(preferred).close();
    waitFor(
        "another leader",
        () -> {
          int now = leader(partitions().get(0));
          return now > 0 && now != preferred;
        });
    brokers.put(preferred, broker(preferred));
    waitFor("the preferred replica in sync", () -> inSync(partitions().get(0), preferred));
    assertNotEquals(preferred, leader(partitions().get(0)));

    String elected = tool("--election-type", "PREFERRED", "--all-topic-partitions");
    assertTrue(
        elected.contains(
            "Successfully completed leader election (PREFERRED) for partitions " + TOPIC + "-0"),
        elected);
    waitFor("the preferred replica leading", () -> leader(partitions().get(0)) == preferred);

    String again = tool("--election-type", "UNCLEAN", "--topic", TOPIC, "--partition", "0");
    assertTrue(
        again.contains("Valid replica already elected for partitions " + TOPIC + "-0"), again);

    ToolFailure unknown =
        assertThrows(
            ToolFailure.class,
            () -> tool("--election-type", "PREFERRED", "--topic", "no-such", "--partition", "0"));
    assertTrue(
        unknown.output.contains(
            "Error completing leader election (PREFERRED) for partition: no-such-0: "
                + "org.apache.kafka.common.errors.UnknownTopicOrPartitionException"),
        unknown.output);
    assertEquals("1 replica(s) could not be elected", unknown.getCause().getMessage());
  }
}
