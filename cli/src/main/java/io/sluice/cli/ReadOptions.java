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

  /**
   * The end of the measurement: now when the wanted count was reached; when the run stopped because
   * nothing more arrived, the time of the last record (the idle wait is not reading time).
   */
  long end(long records, long lastRecordNanos) {
    return records >= numRecords ? System.nanoTime() : lastRecordNanos;
  }

  /**
   * The exit code of a run that read {@code records}: OK once the wanted count was reached; else a
   * line on stderr says what happened (the topic holds fewer records, most likely) and it is 1.
   */
  int exitCode(Terminal terminal, long records) {
    if (records >= numRecords) {
      return ExitCode.OK;
    }
    terminal
        .err()
        .printf(
            "error: only %d of --num-records %d records arrived (nothing more for"
                + " --idle-timeout-ms %d): does %s hold fewer? The figures above cover the %d"
                + " read, up to the last one.%n",
            records, numRecords, idleTimeoutMs, topic, records);
    terminal.err().flush();
    return ExitCode.FAILED;
  }
}
