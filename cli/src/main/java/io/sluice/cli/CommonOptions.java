package io.sluice.cli;

import picocli.CommandLine.Option;

/** The options every command that talks to a broker accepts. */
final class CommonOptions {
  @Option(
      names = {"--bootstrap-server", "-b"},
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9092",
      description = "Broker to connect to first (default: ${DEFAULT-VALUE}).")
  String bootstrapServer;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "30000",
      description = "How long to wait for the broker before giving up (default: ${DEFAULT-VALUE}).")
  long timeoutMs;
}
