package io.sluice.cli;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.ConsumerRecords;
import io.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice perf consume}: reads a topic from the beginning until N records (or until idle) and
 * reports records/s, MB/s and the time to the first record.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Consumer throughput from the beginning of a topic.")
final class PerfConsume implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin CommonOptions common;
  @Mixin PerfOutput output;
  @Mixin ReadOptions read;

  @Option(
      names = "--property",
      paramLabel = "KEY=VALUE",
      description = "Consumer settings by Kafka name.")
  Map<String, String> properties = new LinkedHashMap<>();

  PerfConsume(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  @SuppressWarnings("try") // the progress printer is a resource only for its close()
  public Integer call() throws Exception {
    ConsumerConfig config =
        ConsumerConfig.builder()
            .bootstrapServers(common.bootstrapServer)
            .properties(common.securityProperties())
            .clientId("sluice-perf")
            .autoOffsetReset("earliest")
            .requestTimeoutMs(common.timeoutMs)
            .properties(properties)
            .build();
    long start = System.nanoTime();
    long firstRecordNanos = -1;
    LatencyReport report;
    LatencyReport.Summary summary;
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(read.topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // The rate is that of fetching: its clock starts once the positions are known (metadata and
      // offset lookups done), as Kafka's consumer tool leaves its group join out of its rate.
      partitions.forEach(consumer::position);
      report = new LatencyReport(System::nanoTime);
      long lastRecord = System.nanoTime();
      try (AutoCloseable progress = output.progressEverySecond(terminal, report)) {
        while (report.records() < read.numRecords) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
          if (records.isEmpty()) {
            if (read.idleSince(lastRecord)) {
              break;
            }
            continue;
          }
          lastRecord = System.nanoTime();
          if (firstRecordNanos < 0) {
            firstRecordNanos = lastRecord - start;
          }
          for (ConsumerRecord<byte[], byte[]> r : records) {
            report.count(
                (r.value() == null ? 0 : r.value().length)
                    + (r.key() == null ? 0 : r.key().length));
          }
        }
      }
      // Before close(), and up to the last record if the topic ran dry: the rate is that of
      // reading.
      summary = report.summary(read.end(report.records(), lastRecord));
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("firstRecordMs", firstRecordNanos < 0 ? -1 : firstRecordNanos / 1e6);
    output.printSummary(terminal, summary, "received", extra);
    return read.exitCode(terminal, report.records());
  }
}
