package io.sluice.cli;

import picocli.CommandLine.Option;

/**
 * The options of the perf commands that send records ({@code perf produce}, {@code perf e2e}):
 * topic, count, size, rate and linger. Each command creates its instance with its own defaults
 * (picocli keeps an initialised mixin and shows those values as the defaults).
 */
final class SendOptions {
  @Option(
      names = {"--topic", "-t"},
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--num-records", description = "Records to send (default: ${DEFAULT-VALUE}).")
  long numRecords;

  @Option(names = "--record-size", description = "Value size in bytes (default: ${DEFAULT-VALUE}).")
  int recordSize;

  @Option(
      names = "--throughput",
      description = "Target records/s, -1 for unlimited (default: ${DEFAULT-VALUE}).")
  long throughput;

  @Option(names = "--linger-ms", description = "linger.ms (default: ${DEFAULT-VALUE}).")
  long lingerMs;

  SendOptions(String topic, long numRecords, int recordSize, long throughput, long lingerMs) {
    this.topic = topic;
    this.numRecords = numRecords;
    this.recordSize = recordSize;
    this.throughput = throughput;
    this.lingerMs = lingerMs;
  }
}
