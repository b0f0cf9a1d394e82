package io.sluice.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * By-hand benchmark (not a test): what a leader spends serving a follower over the inter-broker
 * listener, by security protocol. Two broker processes ({@code bin/sluice-broker}) on an in-process
 * ZooKeeper, the inter-broker listener {@code BROKER} either PLAINTEXT (followers' fetches through
 * {@code sendfile}, or with {@code fetch.zerocopy=false} through the copy path) or SSL (the
 * leader's engine OpenSSL or the JDK's; the follower's side is always the JDK's). Each round
 * creates a one-partition topic with two replicas, stops the follower, produces {@code records} 1
 * KiB records to the leader alone, then starts the follower and waits until its copy of the
 * partition has as many bytes as the leader's. The leader's CPU time ({@code /proc/<pid>/stat})
 * over that catch-up, less its idle rate measured just before, per GB of log replicated, and the
 * catch-up time, are printed; the median of the rounds per mode. Printed, never asserted.
 *
 * <pre>
 * mvn -B -q -DskipTests package dependency:build-classpath -pl broker -am \
 *     -Dmdep.outputFile=$PWD/broker/target/test-cp.txt -Dmdep.includeScope=test
 * java -cp broker/target/test-classes:broker/target/classes:$(cat broker/target/test-cp.txt) \
 *     io.sluice.broker.InterBrokerTlsBenchmark [records per round] [rounds]
 * </pre>
 */
public final class InterBrokerTlsBenchmark {
  private static final int VALUE_BYTES = 1024;
  private static final long IDLE_SAMPLE_MS = 3_000;

  private InterBrokerTlsBenchmark() {}

  /** One way of running the inter-broker listener. */
  private record Mode(String name, List<String> settings) {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    TestCertificates certs = TestCertificates.get();
    List<String> tls =
        List.of(
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,BROKER:SSL",
            "listener.name.broker.ssl.keystore.type=PKCS12",
            "listener.name.broker.ssl.keystore.location=" + certs.serverPkcs12,
            "listener.name.broker.ssl.keystore.password=" + TestCertificates.PASSWORD,
            "listener.name.broker.ssl.truststore.type=PKCS12",
            "listener.name.broker.ssl.truststore.location=" + certs.truststore,
            "listener.name.broker.ssl.truststore.password=" + TestCertificates.PASSWORD);
    List<Mode> modes =
        List.of(
            new Mode(
                "PLAINTEXT, zero-copy",
                List.of("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT")),
            new Mode(
                "PLAINTEXT, copy path",
                List.of(
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT",
                    "fetch.zerocopy=false")),
            new Mode(
                "SSL, leader on OpenSSL", with(tls, "listener.name.broker.ssl.engine=openssl")),
            new Mode(
                "SSL, leader on the JDK engine", with(tls, "listener.name.broker.ssl.engine=jdk")));
    List<String> summary = new ArrayList<>();
    for (Mode mode : modes) {
      double[] cpu = new double[rounds];
      double[] seconds = new double[rounds];
      Path temp = Files.createTempDirectory("sluice-ibtls-bench-");
      List<String> settings = new ArrayList<>(mode.settings());
      settings.add("listeners=PLAINTEXT://127.0.0.1:0,BROKER://127.0.0.1:0");
      settings.add("inter.broker.listener.name=BROKER");
      try (BrokerProcesses cluster =
          BrokerProcesses.start(temp, 2, 10_000, settings.toArray(new String[0]))) {
        for (int round = 0; round < rounds; round++) {
          double[] result = round(cluster, "bench-" + round, records);
          cpu[round] = result[0];
          seconds[round] = result[1];
          System.out.printf(
              Locale.ROOT,
              "%s, round %d: %.1f MB in %.1f s (%.1f MB/s), leader CPU %.2f s/GB%n",
              mode.name(),
              round,
              result[2] / 1e6,
              result[1],
              result[2] / 1e6 / result[1],
              result[0]);
        }
      } finally {
        delete(temp);
      }
      summary.add(
          String.format(
              Locale.ROOT,
              "%s: leader CPU %.2f s/GB (median of %d; %s), catch-up %.1f s (median)",
              mode.name(),
              median(cpu),
              rounds,
              range(cpu),
              median(seconds)));
    }
    summary.forEach(System.out::println);
  }

  private static List<String> with(List<String> base, String more) {
    List<String> all = new ArrayList<>(base);
    all.add(more);
    return all;
  }

  /** One catch-up: {leader CPU s/GB, seconds, bytes}. */
  private static double[] round(BrokerProcesses cluster, String topic, int records)
      throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(cluster.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 2))).all().get();
    }
    BrokerProcesses.waitFor(
        "a leader of " + topic,
        BrokerProcesses.WAIT_MS,
        () -> cluster.leader(topic, 0) > 0 && cluster.isr(topic, 0).size() == 2);
    int leader = cluster.leader(topic, 0);
    int followerId = leader == 1 ? 2 : 1;
    cluster.daemon(followerId).stop();
    produce(cluster.daemon(leader).bootstrapServers(), topic, records);
    long leaderBytes = logBytes(cluster.dataDir(leader).resolve(topic + "-0"));
    long pid = cluster.daemon(leader).pid();
    // The leader's own background work (ZooKeeper, ISR checks) while nobody fetches.
    long idleFrom = cpuTicks(pid);
    long idleStart = System.nanoTime();
    Thread.sleep(IDLE_SAMPLE_MS);
    double idlePerSecond =
        (cpuTicks(pid) - idleFrom) / 100.0 / ((System.nanoTime() - idleStart) / 1e9);
    long before = cpuTicks(pid);
    long start = System.nanoTime();
    cluster.startBroker(followerId);
    Path follower = cluster.dataDir(followerId).resolve(topic + "-0");
    BrokerProcesses.waitFor(
        "broker " + followerId + " caught up on " + topic,
        600_000,
        () -> Files.isDirectory(follower) && logBytes(follower) >= leaderBytes);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (cpuTicks(pid) - before) / 100.0 - idlePerSecond * seconds;
    return new double[] {cpuSeconds / (leaderBytes / 1e9), seconds, leaderBytes};
  }

  private static void produce(String bootstrap, String topic, int records) throws Exception {
    Properties props = KafkaClients.producer(bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    byte[] value = new byte[VALUE_BYTES];
    Arrays.fill(value, (byte) 'x');
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, value));
      }
      producer.flush();
    }
  }

  /** The bytes of a partition directory's segment files. */
  private static long logBytes(Path dir) throws IOException {
    long total = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        total += Files.size(file);
      }
    }
    return total;
  }

  /** utime + stime of a process, in clock ticks (100 per second on Linux). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String range(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "%.2f..%.2f", sorted[0], sorted[sorted.length - 1]);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
