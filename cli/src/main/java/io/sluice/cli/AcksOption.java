package io.sluice.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --acks} option of every command that produces; {@link ProduceCommand#config} maps it
 * onto the producer's settings.
 */
final class AcksOption {
  @Option(
      names = "--acks",
      defaultValue = "all",
      description = "0, 1 or all (default: ${DEFAULT-VALUE}).")
  String value;
}
