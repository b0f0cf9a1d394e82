package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The output option of every {@code sluice perf} command and the reporting they share: progress
 * once a second while running, then one summary, as a line of text or as JSON.
 *
 * <p>Filled by picocli before the command runs; read-only afterwards.
 */
final class PerfOutput {
  @Option(names = "--json", description = "Print the summary as JSON (progress goes to stderr).")
  boolean json;

  /**
   * Prints {@code report}'s progress once a second until closed; on standard error under {@code
   * --json}, which reserves standard output for the summary.
   */
  AutoCloseable progressEverySecond(Terminal terminal, LatencyReport report) {
    return PerfCommand.progressEverySecond(report, json ? terminal.err() : terminal.out());
  }

  /** Prints the summary, with {@code extra} figures after the common ones, to standard output. */
  void printSummary(
      Terminal terminal, LatencyReport.Summary summary, String verb, Map<String, Object> extra)
      throws Exception {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode node = summary.json(mapper);
      extra.forEach((k, v) -> node.set(k, mapper.valueToTree(v)));
      terminal.out().println(mapper.writeValueAsString(node));
    } else {
      StringBuilder line = new StringBuilder(summary.text(verb));
      extra.forEach((k, v) -> line.append(", ").append(k).append(' ').append(v));
      terminal.out().println(line);
    }
    terminal.out().flush();
  }
}
