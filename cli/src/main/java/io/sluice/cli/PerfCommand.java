package io.sluice.cli;

import io.sluice.client.Admin;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code sluice perf produce|consume|e2e|fetch}: load generators with HdrHistogram latency reports.
 */
@Command(
    name = "perf",
    mixinStandardHelpOptions = true,
    description = "Measure throughput and latency against a broker.",
    subcommands = {PerfProduce.class, PerfConsume.class, PerfEndToEnd.class, PerfFetch.class})
final class PerfCommand {
  private PerfCommand() {}

  /** Creates the topic with {@code partitions} partitions unless it exists. */
  static void ensureTopic(CommonOptions common, String topic, int partitions) {
    try (Admin admin =
        new Admin(common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security())) {
      admin.createTopic(topic, partitions, Map.of());
    } catch (SluiceClientException e) {
      if (e.error() != Errors.TOPIC_ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  /**
   * Prints {@code report}'s progress once a second until closed: to standard output, or to standard
   * error when standard output is reserved for the JSON summary.
   */
  static AutoCloseable progressEverySecond(LatencyReport report, PrintWriter to) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-perf-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(() -> report.progress(to), 1, 1, TimeUnit.SECONDS);
    return () -> {
      timer.shutdownNow();
      timer.awaitTermination(1, TimeUnit.SECONDS);
    };
  }
}
