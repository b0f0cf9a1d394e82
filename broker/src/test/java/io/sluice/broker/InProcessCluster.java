package io.sluice.broker;

import io.sluice.broker.cluster.ZooKeeperServers;
import io.sluice.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * A cluster for integration tests: one in-process ZooKeeper server and brokers {@code 1..n} as
 * {@link EmbeddedBroker}s in cluster mode (chroot {@code /sluice}, 4 s sessions), each on its own
 * data directory that outlives a {@link #stop stop} so that {@link #start(int) start} brings the
 * broker back on its data. {@link #close} stops everything and deletes the directories, also after
 * a failed test.
 *
 * <p>For multi-process fault tests (kill -9, network cuts) see {@code BrokerProcesses}.
 *
 * <p>Not thread-safe: driven by the test's thread.
 */
final class InProcessCluster implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final TestingServer zk;
  private final IntFunction<Map<String, String>> configOf;
  private final Map<Integer, Path> dirs = new TreeMap<>();
  private final NavigableMap<Integer, EmbeddedBroker> live = new TreeMap<>();

  private InProcessCluster(TestingServer zk, IntFunction<Map<String, String>> configOf) {
    this.zk = zk;
    this.configOf = configOf;
  }

  /**
   * {@code size} brokers with the same extra configuration; see {@link #launch(int, IntFunction)}.
   */
  static InProcessCluster launch(int size, Map<String, String> config) throws Exception {
    return launch(size, id -> config);
  }

  /**
   * Starts ZooKeeper and brokers {@code 1..size}, broker {@code id} with {@code configOf(id)} on
   * top of the cluster settings (which it may override), and waits until every broker is registered
   * and a controller is elected.
   */
  static InProcessCluster launch(int size, IntFunction<Map<String, String>> configOf)
      throws Exception {
    return launch(size, configOf, zkConnect -> {});
  }

  /** What a test writes to ZooKeeper before the brokers start (Kafka's ZooKeeper-era tools). */
  @FunctionalInterface
  interface BeforeBrokers {
    /**
     * @param zkConnect the brokers' {@code zookeeper.connect}, with the chroot
     */
    void prepare(String zkConnect) throws Exception;
  }

  /**
   * As {@link #launch(int, IntFunction)}, with {@code beforeBrokers} run once ZooKeeper is up and
   * before the first broker starts (for example to create the brokers' own SCRAM user).
   */
  static InProcessCluster launch(
      int size, IntFunction<Map<String, String>> configOf, BeforeBrokers beforeBrokers)
      throws Exception {
    InProcessCluster cluster = new InProcessCluster(ZooKeeperServers.standalone(), configOf);
    try {
      beforeBrokers.prepare(cluster.zkConnect());
      for (int id = 1; id <= size; id++) {
        cluster.dirs.put(id, Files.createTempDirectory("sluice-cluster-" + id + "-"));
        cluster.start(id);
      }
      cluster.awaitRegistered(size);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Starts broker {@code id} (again) on its data directory with its configuration. */
  EmbeddedBroker start(int id) {
    return start(id, Map.of());
  }

  /** Starts broker {@code id} (again) on its data directory, {@code overrides} on top. */
  EmbeddedBroker start(int id, Map<String, String> overrides) {
    if (live.containsKey(id)) {
      throw new IllegalStateException("broker " + id + " is running");
    }
    Path dir = dirs.get(id);
    if (dir == null) {
      throw new IllegalArgumentException("no broker " + id + " in this cluster");
    }
    Map<String, String> config = new HashMap<>();
    config.put("zookeeper.connect", zkConnect());
    config.put("zookeeper.session.timeout.ms", "4000");
    config.put("broker.id", Integer.toString(id));
    config.putAll(configOf.apply(id));
    config.putAll(overrides);
    EmbeddedBroker broker = EmbeddedBroker.start(dir, config);
    live.put(id, broker);
    return broker;
  }

  /** Stops broker {@code id} cleanly (its registration goes at once); its data stays. */
  void stop(int id) {
    EmbeddedBroker broker = live.remove(id);
    if (broker == null) {
      throw new IllegalStateException("broker " + id + " is not running");
    }
    broker.close();
  }

  /** A running broker. */
  EmbeddedBroker broker(int id) {
    EmbeddedBroker broker = live.get(id);
    if (broker == null) {
      throw new IllegalStateException("broker " + id + " is not running");
    }
    return broker;
  }

  /** The running brokers by id, in id order (a live view). */
  NavigableMap<Integer, EmbeddedBroker> running() {
    return live;
  }

  /** Broker {@code id}'s data directory (its {@code log.dirs}), running or not. */
  Path dataDir(int id) {
    return dirs.get(id);
  }

  /** The bootstrap servers of every running broker. */
  String bootstrap() {
    List<String> all = new ArrayList<>();
    live.values().forEach(b -> all.add(b.bootstrapServers()));
    return String.join(",", all);
  }

  /** {@code zookeeper.connect} of the brokers, with the chroot. */
  String zkConnect() {
    return zk.getConnectString() + "/sluice";
  }

  /** The ZooKeeper server, for tests that stop or restart it. */
  TestingServer zooKeeper() {
    return zk;
  }

  /**
   * Waits until every running broker sees {@code brokers} registered brokers and a controller in
   * its metadata (each learns of the others through its own ZooKeeper watch).
   */
  void awaitRegistered(int brokers) {
    for (Map.Entry<Integer, EmbeddedBroker> each : live.entrySet()) {
      try (Admin admin = Admin.create(KafkaClients.admin(each.getValue().bootstrapServers()))) {
        Await.until(
            "broker " + each.getKey() + " to see " + brokers + " brokers and a controller",
            WAIT,
            () -> {
              try {
                DescribeClusterResult cluster = admin.describeCluster();
                return cluster.nodes().get().size() == brokers
                    && cluster.controller().get() != null;
              } catch (Exception e) {
                return false;
              }
            });
      }
    }
  }

  @Override
  public void close() throws IOException {
    RuntimeException failure = null;
    for (EmbeddedBroker broker : live.values()) {
      try {
        broker.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure; // keep stopping the others
      }
    }
    live.clear();
    try {
      zk.close();
    } finally {
      for (Path dir : dirs.values()) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
