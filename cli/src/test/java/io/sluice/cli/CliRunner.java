package io.sluice.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code sluice} command lines in-process, as a user would, capturing output and exit code.
 */
final class CliRunner {
  private CliRunner() {}

  record Run(int exitCode, String out, String err) {}

  static Run withInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal =
        new Terminal(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    int code = Main.execute(terminal, args);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return withInput("", args);
  }
}
