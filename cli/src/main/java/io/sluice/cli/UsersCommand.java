package io.sluice.cli;

import io.sluice.client.Admin;
import io.sluice.client.ScramCredentialInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice users list|add-scram|delete-scram}: SCRAM users through the broker's
 * DescribeUserScramCredentials and AlterUserScramCredentials (the password is salted and hashed by
 * the client; the broker keeps StoredKey and ServerKey only). PLAIN users live in the broker's
 * configuration and are not listed.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "List, add and delete SCRAM users (SASL).",
    subcommands = {
      UsersCommand.ListUsers.class,
      UsersCommand.AddScram.class,
      UsersCommand.DeleteScram.class
    })
final class UsersCommand {
  private UsersCommand() {}

  private static Admin admin(CommonOptions common) {
    return new Admin(
        common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List SCRAM users with their mechanisms and iteration counts.")
  static final class ListUsers implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    ListUsers(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      Map<String, List<ScramCredentialInfo>> users;
      try (Admin admin = admin(common)) {
        users = admin.describeUserScramCredentials();
      }
      terminal.out().println("USER\tMECHANISM\tITERATIONS");
      users.forEach(
          (user, infos) -> {
            for (ScramCredentialInfo info : infos) {
              terminal.out().printf("%s\t%s\t%d%n", user, info.mechanism(), info.iterations());
            }
          });
      return ExitCode.OK;
    }
  }

  /** Where the password comes from: exactly one of the two. */
  static final class PasswordSource {
    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "File whose first line is the password (keeps it out of the process list).")
    Path file;

    @Option(
        names = "--password",
        paramLabel = "PASSWORD",
        description =
            "The password itself (visible to other users of this machine: prefer --password-file).")
    String value;

    String read() {
      if (value != null) {
        return value;
      }
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
          throw new IllegalArgumentException("--password-file " + file + " is empty");
        }
        return lines.get(0);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read --password-file " + file + ": " + e.getMessage(), e);
      }
    }
  }

  @Command(
      name = "add-scram",
      mixinStandardHelpOptions = true,
      description = "Create a SCRAM user, or set a new password for one.")
  static final class AddScram implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "USER", description = "User name.")
    String user;

    @Option(
        names = "--mechanism",
        defaultValue = "SCRAM-SHA-256",
        description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: ${DEFAULT-VALUE}).")
    String mechanism;

    @Option(
        names = "--iterations",
        defaultValue = "8192",
        description = "PBKDF2 iterations, 4096 to 16384 (default: ${DEFAULT-VALUE}).")
    int iterations;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PasswordSource password;

    AddScram(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      if (user.isEmpty()) {
        throw new IllegalArgumentException("the user name must not be empty");
      }
      String secret = password.read();
      try (Admin admin = admin(common)) {
        admin.upsertUserScramCredential(user, mechanism, iterations, secret);
      }
      terminal
          .out()
          .printf(
              "set %s credential of user %s (%d iterations)%n",
              mechanism.toUpperCase(java.util.Locale.ROOT), user, iterations);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "delete-scram",
      mixinStandardHelpOptions = true,
      description = "Delete a SCRAM user's credential for one mechanism.")
  static final class DeleteScram implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "USER", description = "User name.")
    String user;

    @Option(
        names = "--mechanism",
        defaultValue = "SCRAM-SHA-256",
        description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: ${DEFAULT-VALUE}).")
    String mechanism;

    DeleteScram(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      try (Admin admin = admin(common)) {
        admin.deleteUserScramCredential(user, mechanism);
      }
      terminal
          .out()
          .printf(
              "deleted %s credential of user %s%n",
              mechanism.toUpperCase(java.util.Locale.ROOT), user);
      return ExitCode.OK;
    }
  }
}
