package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.broker.EmbeddedBroker;
import io.sluice.client.Admin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sluice cluster describe} against three brokers in this JVM on an in-process ZooKeeper:
 * every broker with its address and rack, the controller, and the partitions each leads.
 */
@Timeout(120)
class ClusterCliIT {
  private TestingServer zk;
  private final Map<Integer, EmbeddedBroker> brokers = new TreeMap<>();

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
      brokers.put(
          id,
          EmbeddedBroker.start(
              Map.of(
                  "zookeeper.connect",
                  zk.getConnectString() + "/sluice",
                  "zookeeper.session.timeout.ms",
                  "4000",
                  "broker.id",
                  Integer.toString(id),
                  "broker.rack",
                  id == 3 ? "zone-b" : "zone-a")));
    }
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (EmbeddedBroker broker : brokers.values()) {
        broker.close();
      }
    } finally {
      zk.close();
    }
  }

  private String bootstrap(int id) {
    return brokers.get(id).bootstrapServers();
  }

  /** Waits until broker 1 sees all three brokers and a controller. */
  private void awaitCluster() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Admin admin = new Admin(bootstrap(1), Duration.ofSeconds(10))) {
      while (true) {
        var cluster = admin.describeCluster();
        if (cluster.brokers().size() == 3 && cluster.controllerId() > 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no complete cluster within 30 s: " + cluster);
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void describe_threeBrokers_listsAddressesRacksControllerAndLeaders() throws Exception {
    awaitCluster();
    CliRunner.Run created =
        CliRunner.run("topics", "create", "orders", "--partitions", "6", "-b", bootstrap(2));
    assertEquals(0, created.exitCode(), created.err());

    CliRunner.Run json = CliRunner.run("cluster", "describe", "--json", "-b", bootstrap(3));
    assertEquals(0, json.exitCode(), json.err());
    JsonNode root = new ObjectMapper().readTree(json.out());
    int controller = root.get("controller").asInt();
    assertTrue(controller >= 1 && controller <= 3, json.out());
    assertEquals(3, root.get("brokers").size());
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode broker = root.get("brokers").get(i);
      int id = i + 1;
      assertEquals(id, broker.get("id").asInt());
      assertEquals("127.0.0.1", broker.get("host").asText());
      assertEquals(brokers.get(id).broker().localAddress().getPort(), broker.get("port").asInt());
      assertEquals(id == 3 ? "zone-b" : "zone-a", broker.get("rack").asText());
      assertEquals(id == controller, broker.get("controller").asBoolean());
      assertEquals(2, broker.get("leaderOf").size(), json.out());
      for (JsonNode tp : broker.get("leaderOf")) {
        assertEquals("orders", tp.get("topic").asText());
        all.add("orders-" + tp.get("partition").asInt());
      }
    }
    all.sort(null);
    assertEquals(
        List.of("orders-0", "orders-1", "orders-2", "orders-3", "orders-4", "orders-5"), all);
    assertEquals(0, root.get("offline").size());

    CliRunner.Run text = CliRunner.run("cluster", "describe", "-b", bootstrap(1));
    assertEquals(0, text.exitCode(), text.err());
    List<String> lines = text.out().lines().toList();
    assertEquals(
        "cluster "
            + root.get("clusterId").asText()
            + ": controller "
            + controller
            + ", 3 broker(s), 6 partition(s), 0 offline",
        lines.get(0));
    assertEquals("BROKER\tHOST:PORT\tRACK\tCONTROLLER\tLEADER-OF\tPARTITIONS", lines.get(2));
    String[] second = lines.get(4).split("\t");
    assertEquals("2", second[0]);
    assertEquals("127.0.0.1:" + brokers.get(2).broker().localAddress().getPort(), second[1]);
    assertEquals("zone-a", second[2]);
    assertEquals(controller == 2 ? "yes" : "-", second[3]);
    assertEquals("2", second[4]);
    assertEquals(2, second[5].split(" ").length);
    assertEquals(6, lines.size());
  }

  @Test
  void describe_aStoppedBrokersPartitions_areListedOffline() throws Exception {
    awaitCluster();
    assertEquals(
        0,
        CliRunner.run("topics", "create", "events", "--partitions", "3", "-b", bootstrap(1))
            .exitCode());
    brokers.remove(3).close();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    CliRunner.Run text;
    while (true) {
      text = CliRunner.run("cluster", "describe", "-b", bootstrap(1));
      assertEquals(0, text.exitCode(), text.err());
      if (text.out().contains("2 broker(s), 3 partition(s), 1 offline")) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("broker 3's partition never went offline: " + text.out());
      }
      Thread.sleep(50);
    }
    List<String> lines = text.out().lines().toList();
    assertTrue(
        lines.get(lines.size() - 1).matches("OFFLINE \\(no leader\\): events-[0-2]"), text.out());
  }

  @Test
  void electLeaders_nothingNeededWhileEveryPreferredReplicaLeads_unknownPartitionsFail()
      throws Exception {
    awaitCluster();
    assertEquals(
        0,
        CliRunner.run("topics", "create", "ledgers", "--partitions", "3", "-b", bootstrap(1))
            .exitCode());

    CliRunner.Run all =
        CliRunner.run(
            "cluster", "elect-leaders", "--type", "preferred", "--all", "-b", bootstrap(2));
    assertEquals(0, all.exitCode(), all.err());
    assertEquals("no partition needed an election", all.out().trim());

    CliRunner.Run topic =
        CliRunner.run(
            "cluster",
            "elect-leaders",
            "--type",
            "unclean",
            "--topic",
            "ledgers",
            "-b",
            bootstrap(3));
    assertEquals(0, topic.exitCode(), topic.err());
    assertEquals("already led as asked: ledgers-0 ledgers-1 ledgers-2", topic.out().trim());

    CliRunner.Run missing =
        CliRunner.run(
            "cluster",
            "elect-leaders",
            "--type",
            "preferred",
            "--topic",
            "ledgers",
            "--partition",
            "7",
            "-b",
            bootstrap(1));
    assertEquals(1, missing.exitCode(), missing.out());
    assertTrue(missing.err().startsWith("ledgers-7: UNKNOWN_TOPIC_OR_PARTITION"), missing.err());

    CliRunner.Run neither =
        CliRunner.run("cluster", "elect-leaders", "--type", "preferred", "-b", bootstrap(1));
    assertEquals(2, neither.exitCode());
    CliRunner.Run badType =
        CliRunner.run("cluster", "elect-leaders", "--type", "dirty", "--all", "-b", bootstrap(1));
    assertEquals(2, badType.exitCode());
  }
}
