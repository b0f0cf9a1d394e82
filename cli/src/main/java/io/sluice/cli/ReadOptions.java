package io.sluice.cli;

import picocli.CommandLine.Option;

/**
 * The options of the perf commands that read a topic from its beginning ({@code perf consume},
 * {@code perf fetch}): which topic, how many records make a run, and how long a silence ends it.
 */
final class ReadOptions {
  @Option(
      names = {"--topic", "-t"},
      defaultValue = "perf",
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--num-records",
      defaultValue = "100000",
      description = "Stop after this many records (default: ${DEFAULT-VALUE}).")
  long numRecords;

  @Option(
      names = "--idle-timeout-ms",
      defaultValue = "10000",
      description = "Stop when nothing arrives for this long (default: ${DEFAULT-VALUE}).")
  long idleTimeoutMs;

  /** Whether nothing arrived since {@code lastRecordNanos} (a {@link System#nanoTime} value). */
  boolean idleSince(long lastRecordNanos) {
    return System.nanoTime() - lastRecordNanos > idleTimeoutMs * 1_000_000L;
  }

  /** The exit code of a run that read {@code records}: OK once the wanted count was reached. */
  int exitCode(long records) {
    return records >= numRecords ? ExitCode.OK : ExitCode.FAILED;
  }
}
