package io.sluice.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.broker.cluster.ZooKeeperServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/**
 * A cluster of broker <b>processes</b> for fault tests: an in-process ZooKeeper and {@code n}
 * daemons started as users start them ({@code bin/sluice-broker start}, each on port 0 of its host,
 * its port read from its start line), with ids 1..n, their data under one temporary directory. A
 * test reads the cluster state straight from ZooKeeper ({@link #partitionState}, {@link
 * #brokerEpoch}), kills, freezes and restarts brokers, and {@link #close} stops every process and
 * the ZooKeeper server whatever happened (resuming frozen ones first).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class BrokerProcesses implements AutoCloseable {
  /** How long {@link #waitFor} waits by default. */
  static final long WAIT_MS = 60_000;

  private final TestingServer zk;
  private final CuratorFramework zkClient;
  private final Path temp;
  private final Map<Integer, DaemonProcess> daemons = new TreeMap<>();
  private final Map<Integer, String[]> overrides = new TreeMap<>();
  private final int sessionMs;

  private BrokerProcesses(Path temp, int sessionMs) throws Exception {
    this.temp = temp;
    this.sessionMs = sessionMs;
    this.zk = ZooKeeperServers.standalone();
    this.zkClient =
        CuratorFrameworkFactory.builder()
            .connectString(zk.getConnectString())
            .namespace("sluice")
            .retryPolicy(new RetryOneTime(100))
            .build();
    zkClient.start();
  }

  /**
   * Starts ZooKeeper and {@code count} brokers side by side (each start waits for its JVM, which
   * takes seconds on a loaded machine). {@code settings} are broker overrides common to all.
   */
  static BrokerProcesses start(Path temp, int count, int sessionMs, String... settings)
      throws Exception {
    return start(temp, count, sessionMs, (IntFunction<Path>) null, settings);
  }

  /**
   * As {@link #start(Path, int, int, String...)}, each broker running in the control group whose
   * {@code cgroup.procs} file {@code cgroups} gives for its id ({@link NetworkCut}).
   */
  static BrokerProcesses start(
      Path temp, int count, int sessionMs, IntFunction<Path> cgroups, String... settings)
      throws Exception {
    BrokerProcesses cluster = new BrokerProcesses(temp, sessionMs);
    try {
      for (int id = 1; id <= count; id++) {
        DaemonProcess daemon =
            DaemonProcess.onAnyPort(temp.resolve("data" + id), temp.resolve("state" + id))
                .withEnvironment("SLUICE_HEAP_OPTS", "-Xmx256m");
        if (cgroups != null) {
          daemon.inCgroup(cgroups.apply(id));
        }
        cluster.daemons.put(id, daemon);
        List<String> all = new ArrayList<>();
        all.add("node.id=" + id);
        all.add("zookeeper.connect=" + cluster.zk.getConnectString() + "/sluice");
        all.add("zookeeper.session.timeout.ms=" + sessionMs);
        all.addAll(List.of(settings));
        cluster.overrides.put(id, all.toArray(new String[0]));
      }
      ExecutorService starter = Executors.newFixedThreadPool(count);
      try {
        List<Future<String>> starts = new ArrayList<>();
        for (int id : cluster.daemons.keySet()) {
          starts.add(starter.submit(() -> cluster.startBroker(id)));
        }
        for (Future<String> start : starts) {
          start.get(DaemonProcess.SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
      } finally {
        starter.shutdownNow();
      }
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  int sessionMs() {
    return sessionMs;
  }

  List<Integer> ids() {
    return new ArrayList<>(daemons.keySet());
  }

  DaemonProcess daemon(int id) {
    return daemons.get(id);
  }

  /** The ZooKeeper connect string (no chroot). */
  String zooKeeper() {
    return zk.getConnectString();
  }

  /** The port ZooKeeper listens on. */
  int zooKeeperPort() {
    return zk.getPort();
  }

  /** Starts (or restarts, on its data) broker {@code id} with its overrides; returns its output. */
  String startBroker(int id) throws Exception {
    return daemons.get(id).start(overrides.get(id));
  }

  /** {@code kill -9} of broker {@code id}'s process. */
  void kill9(int id) throws Exception {
    daemons.get(id).kill9();
  }

  /** The bootstrap list of the given brokers, all of them when none is named. */
  String bootstrap(int... ids) {
    List<String> all = new ArrayList<>();
    if (ids.length == 0) {
      daemons.values().forEach(d -> all.add(d.bootstrapServers()));
    } else {
      for (int id : ids) {
        all.add(daemons.get(id).bootstrapServers());
      }
    }
    return String.join(",", all);
  }

  /** The bootstrap list of every broker but {@code excluded}. */
  String bootstrapExcept(int excluded) {
    List<String> all = new ArrayList<>();
    daemons.forEach(
        (id, d) -> {
          if (id != excluded) {
            all.add(d.bootstrapServers());
          }
        });
    return String.join(",", all);
  }

  /** The broker epoch: the creation id of the broker's registration, -1 if not registered. */
  long brokerEpoch(int id) throws Exception {
    var stat = zkClient.checkExists().forPath("/brokers/ids/" + id);
    return stat == null ? -1 : stat.getCzxid();
  }

  /** The partition's state znode ({@code leader}, {@code leader_epoch}, {@code isr}, ...). */
  JsonNode partitionState(String topic, int partition) throws Exception {
    byte[] data =
        zkClient
            .getData()
            .forPath("/brokers/topics/" + topic + "/partitions/" + partition + "/state");
    return new ObjectMapper().readTree(data);
  }

  /** The partition's leader as ZooKeeper says, -1 if none or not known yet. */
  int leader(String topic, int partition) {
    try {
      return partitionState(topic, partition).get("leader").asInt();
    } catch (Exception e) {
      return -1;
    }
  }

  /** The partition's in-sync replicas as ZooKeeper says, empty if not known yet. */
  List<Integer> isr(String topic, int partition) {
    List<Integer> isr = new ArrayList<>();
    try {
      partitionState(topic, partition).get("isr").forEach(n -> isr.add(n.asInt()));
    } catch (Exception e) {
      return List.of();
    }
    return isr;
  }

  /** A condition polled by {@link #waitFor}; an exception counts as "not yet". */
  interface Check {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeoutMs}. */
  static void waitFor(String what, long timeoutMs, Check condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception e) {
        // not yet: clients report a cluster in transition as errors
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static void waitFor(String what, Check condition) throws InterruptedException {
    waitFor(what, WAIT_MS, condition);
  }

  /**
   * Every {@code .log} segment of {@code topic-partition} in broker {@code id}'s data directory,
   * concatenated in offset order (segment names are zero-padded base offsets): the partition's
   * batches as stored, to compare replicas byte for byte.
   */
  byte[] logBytes(int id, String topic, int partition) throws IOException {
    Path dir = temp.resolve("data" + id).resolve(topic + "-" + partition);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!Files.isDirectory(dir)) {
      return out.toByteArray();
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
        out.write(Files.readAllBytes(file));
      }
    }
    return out.toByteArray();
  }

  /** Resumes frozen brokers, stops every broker, then ZooKeeper; the first failure is thrown. */
  @Override
  public void close() throws IOException {
    Exception first = null;
    for (DaemonProcess daemon : daemons.values()) {
      try {
        daemon.resumeQuietly();
        daemon.stopQuietly();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    try {
      zkClient.close();
    } finally {
      zk.close();
    }
    if (first != null) {
      throw new IOException("stopping a broker failed", first);
    }
  }
}
