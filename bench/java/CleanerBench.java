import io.sluice.broker.EmbeddedBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The log cleaner's throughput and its effect on produce throughput, against one Sluice broker
 * running in this JVM (so that the cleaner thread's CPU time can be read).
 *
 * <p>Each run has three phases, each on fresh topics:
 *
 * <ol>
 *   <li><b>clean</b>: DIRTY_MB of 1 KiB records over KEYS keys are written to a topic of 4
 *       partitions with {@code cleanup.policy=delete} (nothing cleans it); then the topic is
 *       altered to {@code compact} with {@code min.cleanable.dirty.ratio=0.01} and the bench waits
 *       until the cleaner is idle again. Cleaner MB/s = bytes of the sealed segments when the
 *       policy changed / time from the change to the cleaner's last busy poll; CPU per GB = CPU
 *       time of the {@code sluice-log-cleaner-*} threads / those bytes.
 *   <li><b>idle</b> and <b>busy</b>, in alternating order from run to run: the same dirty topic is
 *       written again; then PRODUCE_RECORDS records of 1 KiB are produced to another topic
 *       (kafka-clients, acks=1, linger.ms=5, batch.size=65536, no compression) and timed. In
 *       <i>busy</i> the dirty topic is switched to {@code compact} just before the timed produce, so
 *       the cleaner works through it meanwhile; the share of the produce time during which the
 *       cleaner was busy is reported with it. In <i>idle</i> it stays {@code delete}.
 * </ol>
 *
 * One unmeasured warm-up produce and cleaning first (the JIT compiles both paths). Prints one JSON line per phase and run, then one line with
 * the median and range of each figure (with the ratio busy / idle of each run, the two being
 * measured back to back) and the load average before and after.
 *
 * <p>Usage (single-file source launch): {@code java -cp CLASSPATH CleanerBench.java RUNS DIRTY_MB
 * KEYS PRODUCE_RECORDS [SEGMENT_BYTES]} (segment.bytes of every topic, 8 MiB unless given), CLASSPATH holding the broker jar, its {@code target/lib} and kafka-clients.
 */
public final class CleanerBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int RECORD = 1024;
  private static final int PARTITIONS = 4;
  /** segment.bytes of the dirty topics (the cleaner never touches a partition's active segment). */
  private static int segmentBytes;
  private static final long POLL_MS = 20;
  /** A poll in which the cleaner threads used more CPU than this counts as busy. */
  private static final long BUSY_NANOS = 2_000_000;
  /** The cleaner counts as done after this long without a busy poll (its backoff is 100 ms). */
  private static final long QUIET_MS = 2_000;

  private final String bootstrap;
  private final Admin admin;
  private final Path dataDir;
  private final Random random = new Random(7);
  private final byte[][] values = new byte[256][];

  private CleanerBench(String bootstrap, Path dataDir) {
    this.bootstrap = bootstrap;
    this.dataDir = dataDir;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    this.admin = Admin.create(props);
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[RECORD - 16];
      random.nextBytes(values[i]);
    }
  }

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    int dirtyMb = Integer.parseInt(args[1]);
    int keys = Integer.parseInt(args[2]);
    int produceRecords = Integer.parseInt(args[3]);
    segmentBytes = args.length > 4 ? Integer.parseInt(args[4]) : 8 << 20;
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    String loadBefore = loadAverage();
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            Map.of(
                "log.cleaner.backoff.ms", "100",
                "num.partitions", "1"))) {
      CleanerBench bench = new CleanerBench(broker.bootstrapServers(), broker.dataDir());
      try {
        bench.run(runs, dirtyMb, keys, produceRecords);
      } finally {
        bench.admin.close();
      }
    }
    System.out.printf(
        Locale.ROOT, "{\"load_before\":\"%s\",\"load_after\":\"%s\"}%n", loadBefore, loadAverage());
  }

  private void run(int runs, int dirtyMb, int keys, int produceRecords) throws Exception {
    List<Double> cleanMbPerS = new ArrayList<>();
    List<Double> cpuPerGb = new ArrayList<>();
    List<Double> idleRate = new ArrayList<>();
    List<Double> busyRate = new ArrayList<>();
    List<Double> busyShare = new ArrayList<>();
    List<Double> ratio = new ArrayList<>();
    // Warm-up, unmeasured: one produce and one cleaning, so that both code paths are compiled.
    createTopic("warmup", "delete");
    produce("warmup", produceRecords);
    deleteTopic("warmup");
    createTopic("warmup-dirty", "delete");
    fill("warmup-dirty", dirtyMb, keys);
    startCleaning("warmup-dirty").awaitIdle();
    deleteTopic("warmup-dirty");
    for (int run = 0; run < runs; run++) {
      String dirty = "dirty-clean-" + run;
      createTopic(dirty, "delete");
      fill(dirty, dirtyMb, keys);
      Cleaning cleaning = startCleaning(dirty);
      cleaning.awaitIdle();
      cleanMbPerS.add(cleaning.mbPerSecond());
      cpuPerGb.add(cleaning.cpuSecondsPerGb());
      System.out.printf(
          Locale.ROOT,
          "{\"run\":%d,\"phase\":\"clean\",\"input_mb\":%.1f,\"seconds\":%.2f,\"mb_per_s\":%.1f,"
              + "\"cleaner_cpu_s\":%.2f,\"cpu_s_per_gb\":%.2f,\"load\":\"%s\"}%n",
          run,
          cleaning.inputBytes / 1e6,
          cleaning.seconds(),
          cleaning.mbPerSecond(),
          cleaning.cpuNanos / 1e9,
          cleaning.cpuSecondsPerGb(),
          loadAverage());
      deleteTopic(dirty);

      boolean busyFirst = run % 2 == 1;
      for (int i = 0; i < 2; i++) {
        boolean busy = (i == 0) == busyFirst;
        String phase = busy ? "busy" : "idle";
        String dirtyTopic = "dirty-" + phase + "-" + run;
        String target = "produce-" + phase + "-" + run;
        createTopic(dirtyTopic, "delete");
        createTopic(target, "delete");
        fill(dirtyTopic, dirtyMb, keys);
        Cleaning during = busy ? startCleaning(dirtyTopic) : null;
        long start = System.nanoTime();
        produce(target, produceRecords);
        long produceNanos = System.nanoTime() - start;
        double rate = produceRecords / (produceNanos / 1e9);
        double share = 0;
        if (busy) {
          share = during.busyShareUntil(start, System.nanoTime());
          during.awaitIdle();
          busyRate.add(rate);
          busyShare.add(share);
        } else {
          idleRate.add(rate);
        }
        System.out.printf(
            Locale.ROOT,
            "{\"run\":%d,\"phase\":\"%s\",\"records_per_s\":%.0f,\"mb_per_s\":%.1f,"
                + "\"cleaner_busy_share\":%.2f,\"load\":\"%s\"}%n",
            run,
            phase,
            rate,
            rate * RECORD / 1e6,
            share,
            loadAverage());
        deleteTopic(dirtyTopic);
        deleteTopic(target);
      }
      ratio.add(busyRate.get(run) / idleRate.get(run));
    }
    System.out.printf(
        Locale.ROOT,
        "{\"summary\":true,\"runs\":%d,\"dirty_mb\":%d,\"keys\":%d,\"produce_records\":%d,"
            + "\"clean_mb_per_s\":%s,\"cleaner_cpu_s_per_gb\":%s,\"produce_idle_records_per_s\":%s,"
            + "\"produce_busy_records_per_s\":%s,\"busy_over_idle_same_run\":%s,"
            + "\"cleaner_busy_share\":%s}%n",
        runs,
        dirtyMb,
        keys,
        produceRecords,
        stats(cleanMbPerS),
        stats(cpuPerGb),
        stats(idleRate),
        stats(busyRate),
        stats(ratio),
        stats(busyShare));
  }

  /** {"median":..,"min":..,"max":..}. */
  private static String stats(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return String.format(
        Locale.ROOT,
        "{\"median\":%.2f,\"min\":%.2f,\"max\":%.2f}",
        median,
        sorted.get(0),
        sorted.get(n - 1));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }

  private void createTopic(String topic, String policy) throws Exception {
    admin
        .createTopics(
            List.of(
                new NewTopic(topic, PARTITIONS, (short) 1)
                    .configs(
                        Map.of(
                            "cleanup.policy",
                            policy,
                            "segment.bytes",
                            Integer.toString(segmentBytes)))))
        .all()
        .get();
  }

  private void deleteTopic(String topic) throws Exception {
    admin.deleteTopics(List.of(topic)).all().get();
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** DIRTY_MB of keyed records, keys drawn uniformly from {@code keys}. */
  private void fill(String topic, int megabytes, int keys) throws Exception {
    long records = (long) megabytes * 1_000_000 / RECORD;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      Future<RecordMetadata> last = null;
      for (long i = 0; i < records; i++) {
        byte[] key = String.format(Locale.ROOT, "key-%08d", random.nextInt(keys)).getBytes();
        last = producer.send(new ProducerRecord<>(topic, key, values[(int) (i & 255)]));
      }
      producer.flush();
      if (last != null) {
        last.get();
      }
    }
  }

  private void produce(String topic, int records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      Future<RecordMetadata> last = null;
      for (int i = 0; i < records; i++) {
        last = producer.send(new ProducerRecord<>(topic, null, values[i & 255]));
      }
      producer.flush();
      last.get();
    }
  }

  /** Bytes of the topic's sealed segments (every .log file but each partition's last). */
  private long sealedBytes(String topic) throws IOException {
    long total = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      try (Stream<Path> files = Files.list(dataDir.resolve(topic + "-" + p))) {
        List<Path> logs =
            files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        for (int i = 0; i < logs.size() - 1; i++) {
          total += Files.size(logs.get(i));
        }
      }
    }
    return total;
  }

  private Cleaning startCleaning(String topic) throws Exception {
    long input = sealedBytes(topic);
    Cleaning cleaning = new Cleaning(input, cleanerCpuNanos());
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(
                        new ConfigEntry("min.cleanable.dirty.ratio", "0.01"),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get();
    cleaning.watch();
    return cleaning;
  }

  /** CPU time of every live cleaner thread, in nanoseconds. */
  private static long cleanerCpuNanos() {
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("sluice-log-cleaner-")) {
        long cpu = THREADS.getThreadCpuTime(t.getId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  /** One cleaning, watched by a thread that polls the cleaner threads' CPU time. */
  private static final class Cleaning {
    final long inputBytes;
    final long cpuAtStart;
    final long startNanos = System.nanoTime();
    final List<long[]> busyPolls = Collections.synchronizedList(new ArrayList<>());
    volatile long lastBusyNanos = startNanos;
    volatile long cpuNanos;
    volatile boolean done;
    Thread watcher;

    Cleaning(long inputBytes, long cpuAtStart) {
      this.inputBytes = inputBytes;
      this.cpuAtStart = cpuAtStart;
    }

    void watch() {
      watcher =
          new Thread(
              () -> {
                long previous = cpuAtStart;
                long previousAt = startNanos;
                while (true) {
                  try {
                    Thread.sleep(POLL_MS); // a sampling period, not synchronisation
                  } catch (InterruptedException e) {
                    return;
                  }
                  long now = System.nanoTime();
                  long cpu = cleanerCpuNanos();
                  if (cpu - previous > BUSY_NANOS) {
                    lastBusyNanos = now;
                    busyPolls.add(new long[] {previousAt, now});
                  }
                  cpuNanos = cpu - cpuAtStart;
                  previous = cpu;
                  previousAt = now;
                  if (now - lastBusyNanos > QUIET_MS * 1_000_000L) {
                    done = true;
                    return;
                  }
                }
              },
              "cleaner-bench-watch");
      watcher.setDaemon(true);
      watcher.start();
    }

    void awaitIdle() throws InterruptedException {
      watcher.join();
    }

    double seconds() {
      return (lastBusyNanos - startNanos) / 1e9;
    }

    double mbPerSecond() {
      return inputBytes / 1e6 / seconds();
    }

    double cpuSecondsPerGb() {
      return cpuNanos / 1e9 / (inputBytes / 1e9);
    }

    /** The share of [from, to] covered by busy polls. */
    double busyShareUntil(long from, long to) {
      long busy = 0;
      synchronized (busyPolls) {
        for (long[] poll : busyPolls) {
          long a = Math.max(poll[0], from);
          long b = Math.min(poll[1], to);
          if (b > a) {
            busy += b - a;
          }
        }
      }
      return busy / (double) (to - from);
    }
  }
}
