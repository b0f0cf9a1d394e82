package io.sluice.cli;

import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice perf produce}: sends N records of a fixed size at a target rate (or as fast as
 * possible) and reports records/s, MB/s and send-to-acknowledgement latency percentiles.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Producer<byte[], byte[]> throughput and latency (send to acknowledgement).")
final class PerfProduce implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin CommonOptions common;
  @Mixin AcksOption acks;
  @Mixin PerfOutput output;

  @Option(
      names = {"--topic", "-t"},
      defaultValue = "perf",
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--num-records",
      defaultValue = "100000",
      description = "Records to send (default: ${DEFAULT-VALUE}).")
  long numRecords;

  @Option(
      names = "--record-size",
      defaultValue = "1024",
      description = "Value size in bytes (default: ${DEFAULT-VALUE}).")
  int recordSize;

  @Option(
      names = "--throughput",
      defaultValue = "-1",
      description = "Target records/s, -1 for unlimited (default: ${DEFAULT-VALUE}).")
  long throughput;

  @Option(
      names = "--batch-size",
      defaultValue = "16384",
      description = "batch.size in bytes (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--linger-ms",
      defaultValue = "5",
      description = "linger.ms (default: ${DEFAULT-VALUE}).")
  long lingerMs;

  @Option(
      names = "--partitions",
      defaultValue = "1",
      description = "Partitions if the topic is created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--property",
      paramLabel = "KEY=VALUE",
      description = "Other producer settings by Kafka name.")
  Map<String, String> properties = new LinkedHashMap<>();

  PerfProduce(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  @SuppressWarnings("try") // the progress printer is a resource only for its close()
  public Integer call() throws Exception {
    if (numRecords < 1 || recordSize < 0) {
      throw new IllegalArgumentException(
          "--num-records=" + numRecords + " --record-size=" + recordSize + " out of range");
    }
    PerfCommand.ensureTopic(common, topic, partitions);
    Map<String, String> settings = new LinkedHashMap<>(properties);
    settings.put("batch.size", Integer.toString(batchSize));
    settings.put("linger.ms", Long.toString(lingerMs));
    ProducerConfig config = ProduceCommand.config(common, acks.value, settings);
    byte[] payload = new byte[recordSize];
    new Random(0).nextBytes(payload);
    LatencyReport report = new LatencyReport(System::nanoTime);
    AtomicLong failures = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    Throttle throttle = new Throttle(throughput);
    try (Producer<byte[], byte[]> producer = new Producer<>(config);
        AutoCloseable progress = output.progressEverySecond(terminal, report)) {
      for (long i = 0; i < numRecords; i++) {
        long sentAt = System.nanoTime();
        producer.send(
            new ProducerRecord<>(topic, null, null, null, payload, List.of()),
            (metadata, error) -> {
              if (error == null) {
                report.record(recordSize, System.nanoTime() - sentAt);
              } else {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, error);
              }
            });
        throttle.await(i + 1);
      }
      producer.flush();
    }
    output.printSummary(terminal, report.summary(), "sent", Map.of("failed", failures.get()));
    if (failures.get() > 0) {
      terminal
          .err()
          .println(
              "error: "
                  + failures.get()
                  + " records failed, first: "
                  + Main.describe(firstFailure.get()));
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  }

  /** Keeps a sender at {@code perSecond} on average by sleeping when ahead (<= 0: unlimited). */
  static final class Throttle {
    private final long perSecond;
    private final long start = System.nanoTime();

    Throttle(long perSecond) {
      this.perSecond = perSecond;
    }

    void await(long done) throws InterruptedException {
      if (perSecond <= 0) {
        return;
      }
      long due = start + done * 1_000_000_000L / perSecond;
      long ahead = due - System.nanoTime();
      if (ahead > 1_000_000) {
        Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
      }
    }
  }
}
