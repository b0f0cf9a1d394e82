package io.sluice.cli;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code sluice} command: topics, produce, consume, perf and bench subcommands over the Java
 * client. Errors print one line (the stack trace only with {@code --verbose}) and map to the exit
 * codes of {@link ExitCode}.
 */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Command-line client for Sluice, a Kafka-compatible log broker.",
    subcommands = {
      TopicsCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      GroupsCommand.class,
      PerfCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 the operation failed, 2 bad command line, 3 broker unreachable."
    })
public final class Main implements Runnable {
  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = execute(new Terminal(System.in, out, err), args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line against a terminal and returns its exit code. */
  static int execute(Terminal terminal, String... args) {
    CommandLine commandLine = new CommandLine(new Main(), new Factory(terminal));
    commandLine.setOut(terminal.out());
    commandLine.setErr(terminal.err());
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> {
          terminal.err().println("error: " + describe(exception));
          if (verbose(parseResult)) {
            exception.printStackTrace(terminal.err());
          }
          terminal.err().flush();
          return exitCode(exception);
        });
    int code = commandLine.execute(args);
    terminal.out().flush();
    terminal.err().flush();
    return code;
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  static int exitCode(Throwable exception) {
    Throwable cause = unwrap(exception);
    if (cause instanceof IllegalArgumentException) {
      return ExitCode.USAGE;
    }
    if (cause instanceof TimeoutException) {
      return ExitCode.UNREACHABLE;
    }
    if (cause instanceof SluiceClientException e
        && (e.error() == Errors.NETWORK_EXCEPTION || e.error() == Errors.REQUEST_TIMED_OUT)) {
      return ExitCode.UNREACHABLE;
    }
    return ExitCode.FAILED;
  }

  static String describe(Throwable exception) {
    Throwable cause = unwrap(exception);
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  private static Throwable unwrap(Throwable exception) {
    Throwable cause = exception;
    while ((cause instanceof java.util.concurrent.ExecutionException
            || cause instanceof java.util.concurrent.CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Builds commands, handing those that take one the terminal they print to. */
  private record Factory(Terminal terminal) implements IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(Terminal.class).newInstance(terminal);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sluice " + (version == null ? "(development build)" : version)};
    }
  }
}
