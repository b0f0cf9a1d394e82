package io.sluice.broker;

import io.sluice.broker.cluster.ZooKeeperServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The offset-commit figures of docs/groups.md: kafka-clients' {@code commitSync} against a single
 * node (committed offsets in the checkpoint file) and against three brokers in this JVM (committed
 * offsets in the replicated {@code __consumer_offsets}, replication factor 3, {@code
 * min.insync.replicas=2}). Sequential latency of one committer, then the throughput of eight
 * committers of eight groups at once. Printed, never asserted. Excluded from the default build; run
 * with
 *
 * <pre>
 * mvn -B -q -pl broker -am verify -Dspotless.check.skip=true -Dbenchmark.excludedGroups=none \
 *     -Dgroups=benchmark -Dtest=GroupCommitBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
class GroupCommitBenchmark {
  private static final String TOPIC = "committed";
  private static final int WARMUP = 300;
  private static final int SEQUENTIAL = 1500;
  private static final int COMMITTERS = 8;
  private static final int PER_COMMITTER = 300;

  @Test
  void singleNode() throws Exception {
    Path dir = Files.createTempDirectory("sluice-commit-bench-");
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of())) {
      run("single node, checkpoint file", broker.bootstrapServers());
    } finally {
      delete(dir);
    }
  }

  @Test
  void threeBrokers() throws Exception {
    List<Path> dirs = new ArrayList<>();
    List<EmbeddedBroker> brokers = new ArrayList<>();
    try (TestingServer zk = ZooKeeperServers.standalone()) {
      try {
        for (int id = 1; id <= 3; id++) {
          Path dir = Files.createTempDirectory("sluice-commit-bench-" + id + "-");
          dirs.add(dir);
          brokers.add(
              EmbeddedBroker.start(
                  dir,
                  Map.of(
                      "zookeeper.connect",
                      zk.getConnectString() + "/sluice",
                      "broker.id",
                      Integer.toString(id),
                      "min.insync.replicas",
                      "2",
                      "default.replication.factor",
                      "3")));
        }
        List<String> all = new ArrayList<>();
        brokers.forEach(b -> all.add(b.bootstrapServers()));
        run("three brokers, __consumer_offsets RF 3", String.join(",", all));
      } finally {
        for (EmbeddedBroker broker : brokers) {
          broker.close();
        }
      }
    } finally {
      for (Path dir : dirs) {
        delete(dir);
      }
    }
  }

  private static void run(String what, String bootstrap) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) -1))).all().get();
    }
    long[] latencies = commits(bootstrap, "sequential", WARMUP, SEQUENTIAL);
    Arrays.sort(latencies);
    System.out.printf(
        "%s: %d sequential commits: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f commits/s%n",
        what,
        SEQUENTIAL,
        latencies[latencies.length / 2] / 1e6,
        latencies[latencies.length * 99 / 100] / 1e6,
        latencies[latencies.length - 1] / 1e6,
        SEQUENTIAL / (Arrays.stream(latencies).sum() / 1e9));
    ExecutorService pool = Executors.newFixedThreadPool(COMMITTERS);
    try {
      List<Future<long[]>> runs = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < COMMITTERS; c++) {
        String group = "parallel-" + c;
        runs.add(pool.submit(() -> commits(bootstrap, group, WARMUP / 3, PER_COMMITTER)));
      }
      for (Future<long[]> run : runs) {
        run.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%s: %d committers x %d commits (warm-up included): %.0f commits/s%n",
          what, COMMITTERS, PER_COMMITTER, COMMITTERS * (PER_COMMITTER + WARMUP / 3) / seconds);
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code count} timed commitSync calls of one group after {@code warmup} untimed ones. */
  private static long[] commits(String bootstrap, String group, int warmup, int count) {
    Properties props = KafkaClients.consumer(bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    long[] latencies = new long[count];
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(tp));
      for (int i = 0; i < warmup + count; i++) {
        long start = System.nanoTime();
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(i)));
        if (i >= warmup) {
          latencies[i - warmup] = System.nanoTime() - start;
        }
      }
      Map<TopicPartition, OffsetAndMetadata> last = consumer.committed(java.util.Set.of(tp));
      if (last.get(tp).offset() != warmup + count - 1) {
        throw new AssertionError("last commit not read back: " + last);
      }
    }
    return latencies;
  }

  private static void delete(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
