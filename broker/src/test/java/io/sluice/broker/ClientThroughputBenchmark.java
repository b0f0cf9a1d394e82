package io.sluice.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * By-hand benchmark (not a test): kafka-clients producer and consumer throughput against the daemon
 * for 1 KiB records, and the broker's CPU seconds per GB fetched with {@code fetch.zerocopy=true}
 * and {@code false} over the same data (warm page cache). The broker runs in its own process
 * (started by {@code bin/sluice-broker}) so its CPU time is read from {@code /proc/<pid>/stat}
 * alone.
 *
 * <pre>
 * mvn -B -q -DskipTests package dependency:build-classpath -pl broker -am \
 *     -Dmdep.outputFile=$PWD/broker/target/test-cp.txt -Dmdep.includeScope=test
 * java -cp broker/target/test-classes:broker/target/classes:$(cat broker/target/test-cp.txt) \
 *     io.sluice.broker.ClientThroughputBenchmark [records] [consume rounds]
 * </pre>
 */
public final class ClientThroughputBenchmark {
  private static final int VALUE_BYTES = 1024;
  private static final String TOPIC = "bench";
  private static final int PARTITIONS = 3;

  private ClientThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dataDir = Files.createTempDirectory("sluice-bench-data");
    Path stateDir = Files.createTempDirectory("sluice-bench-state");
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    daemon.start("num.partitions=" + PARTITIONS);
    try {
      produce(daemon.bootstrapServers(), TOPIC, records, Map.of());
      produce(
          daemon.bootstrapServers(),
          "bench-large-batches",
          records / 2,
          Map.of(
              ProducerConfig.BATCH_SIZE_CONFIG, "262144", ProducerConfig.LINGER_MS_CONFIG, "20"));
      produce(
          daemon.bootstrapServers(),
          "bench-acks1",
          records / 2,
          Map.of(ProducerConfig.ACKS_CONFIG, "1"));
      for (String zeroCopy : List.of("true", "false")) {
        daemon.stop();
        daemon.start("fetch.zerocopy=" + zeroCopy);
        consume(daemon, records); // warms the page cache and the JIT
        double[] throughput = new double[rounds];
        double[] cpu = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          double[] result = consume(daemon, records);
          throughput[round] = result[0];
          cpu[round] = result[2];
          System.out.printf(
              Locale.ROOT,
              "consume fetch.zerocopy=%s round %d: %.1f MB/s, %.0f records/s, broker CPU %.2f s/GB%n",
              zeroCopy,
              round,
              result[0],
              result[1],
              result[2]);
        }
        System.out.printf(
            Locale.ROOT,
            "consume fetch.zerocopy=%s median of %d: %.1f MB/s, broker CPU %.2f s/GB%n",
            zeroCopy,
            rounds,
            median(throughput),
            median(cpu));
      }
    } finally {
      daemon.stop();
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void produce(
      String bootstrap, String topic, int records, Map<String, String> settings) throws Exception {
    Properties props = KafkaClients.producer(bootstrap);
    props.putAll(settings);
    byte[] value = new byte[VALUE_BYTES];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 7);
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(topic, value)).get(); // metadata, topic creation
      long start = System.nanoTime();
      for (int i = 1; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, value));
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "produce %s %s, %d x %d B: %.1f MB/s, %.0f records/s%n",
          topic,
          settings.isEmpty() ? "(defaults: acks=all, idempotent)" : settings,
          records,
          VALUE_BYTES,
          (double) records * VALUE_BYTES / seconds / 1e6,
          records / seconds);
    }
  }

  /** Reads every record once; returns MB/s, records/s and broker CPU seconds per GB fetched. */
  private static double[] consume(DaemonProcess daemon, int records) throws Exception {
    Properties props = KafkaClients.consumer(daemon.bootstrapServers());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    // Larger fetches: fewer requests per GB, so the figure is dominated by moving the bytes.
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    long cpuBefore = cpuTicks(daemon.pid());
    long start = System.nanoTime();
    long bytes = 0;
    int read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          List.of(
              new TopicPartition(TOPIC, 0),
              new TopicPartition(TOPIC, 1),
              new TopicPartition(TOPIC, 2));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (read < records) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          bytes += record.serializedValueSize();
          read++;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (cpuTicks(daemon.pid()) - cpuBefore) / 100.0;
    return new double[] {bytes / seconds / 1e6, read / seconds, cpuSeconds / (bytes / 1e9)};
  }

  /** utime + stime of a process, in clock ticks (100 per second on Linux). */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
