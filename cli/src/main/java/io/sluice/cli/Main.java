package io.sluice.cli;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
      ClusterCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      GroupsCommand.class,
      AclsCommand.class,
      UsersCommand.class,
      PerfCommand.class,
      BenchCommand.class,
      CompletionCommand.class,
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

  @Option(
      names = {"--bootstrap-server", "-b"},
      paramLabel = "HOST:PORT",
      description = "Broker for the command that follows (same as giving it after the command).")
  String bootstrapServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command (topics, produce, consume, groups, perf, bench...)");
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
    commandLine.setExecutionStrategy(Main::executeChecked);
    commandLine.setParameterExceptionHandler(Main::usageError);
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

  /**
   * Runs the command the line names, after handing a {@code -b} given before it to its options and,
   * for a command that talks to a broker, checking that one accepts connections (a refused
   * connection fails at once with exit code 3 instead of after {@code --timeout-ms}).
   */
  private static int executeChecked(ParseResult parseResult) {
    Integer help = CommandLine.executeHelpRequest(parseResult);
    if (help != null) {
      return help;
    }
    ParseResult leaf = parseResult;
    while (leaf.subcommand() != null) {
      leaf = leaf.subcommand();
    }
    CommonOptions common = commonOptions(leaf.commandSpec());
    if (common != null) {
      String early = parseResult.matchedOptionValue("--bootstrap-server", null);
      if (early != null && !leaf.hasMatchedOption("--bootstrap-server")) {
        common.bootstrapServer = early;
      }
      try {
        BrokerProbe.check(common.bootstrapServer, common.timeoutMs);
      } catch (RuntimeException e) {
        throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), "", e);
      }
    } else if (parseResult.hasMatchedOption("--bootstrap-server") && leaf != parseResult) {
      throw new CommandLine.ParameterException(
          leaf.commandSpec().commandLine(),
          "'" + leaf.commandSpec().qualifiedName() + "' does not talk to a broker: drop -b");
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  private static CommonOptions commonOptions(CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof CommonOptions common) {
        return common;
      }
    }
    return null;
  }

  /**
   * A wrong command line: one line saying what was wrong (with picocli's suggestion for a typo) and
   * where the usage is, instead of the whole usage text.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    StringBuilder line = new StringBuilder("error: ").append(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      List<String> suggestions = suggest(unmatched.getUnmatched().get(0), failed.getCommandSpec());
      if (!suggestions.isEmpty()) {
        line.append(" (did you mean '").append(String.join("' or '", suggestions)).append("'?)");
      }
    }
    line.append("; see '").append(failed.getCommandSpec().qualifiedName()).append(" --help'");
    failed.getErr().println(line);
    failed.getErr().flush();
    return ExitCode.USAGE;
  }

  /**
   * The subcommands (or, for {@code -x}, the options) of {@code spec} within a small edit distance
   * of {@code typed}, counting a swap of two neighbours as one edit ({@code lsit} is one from
   * {@code list}).
   */
  static List<String> suggest(String typed, CommandSpec spec) {
    List<String> candidates = new ArrayList<>();
    if (typed.startsWith("-")) {
      spec.options().forEach(o -> candidates.addAll(List.of(o.names())));
    } else {
      candidates.addAll(spec.subcommands().keySet());
    }
    int allowed = Math.max(1, typed.length() / 3);
    return candidates.stream()
        .filter(c -> editDistance(typed, c) <= allowed)
        .distinct()
        .sorted()
        .toList();
  }

  private static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
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
    if (cause instanceof BrokerProbe.UnreachableException) {
      return ExitCode.UNREACHABLE;
    }
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
            || cause instanceof java.util.concurrent.CompletionException
            || cause instanceof CommandLine.ExecutionException)
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
