package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.testing.TestBroker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when something is wrong: one line on stderr saying what and what to do, and the
 * exit code of {@link ExitCode}; and the commands' behaviour at the edges (a broker that is not
 * there, a topic shorter than asked, a group join slower than the idle timeout).
 */
@Timeout(120)
class CliErrorsIT {
  private TestBroker broker;
  private String bootstrap;

  @BeforeEach
  void start() {
    broker = TestBroker.start();
    bootstrap = broker.bootstrap();
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private static void assertOneLine(CliRunner.Run run, String contains) {
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("error: "), run.err());
    assertTrue(run.err().contains(contains), run.err());
  }

  @Test
  void brokerDown_everyBrokerCommand_exitsThreeAtOnceWithAHint() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String down = "127.0.0.1:" + closedPort;
    String hint =
        "cannot connect to broker at "
            + down
            + ": connection refused; is a broker running at "
            + down
            + "? (bin/sluice-broker start)";
    List<String[]> commands =
        List.of(
            new String[] {"topics", "list"},
            new String[] {"topics", "describe", "t"},
            new String[] {"consume", "--topic", "t"},
            new String[] {"consume", "--topic", "t", "--group", "g"},
            new String[] {"groups", "describe", "g"},
            new String[] {"perf", "fetch"},
            new String[] {"perf", "produce", "--num-records", "1"});
    for (String[] command : commands) {
      String[] args = new String[command.length + 2];
      System.arraycopy(command, 0, args, 0, command.length);
      args[command.length] = "-b";
      args[command.length + 1] = down;
      CliRunner.Run run = CliRunner.run(args);
      assertEquals(ExitCode.UNREACHABLE, run.exitCode(), String.join(" ", command));
      assertEquals("error: " + hint + "\n", run.err(), String.join(" ", command));
    }
    CliRunner.Run produce = CliRunner.withInput("a\n", "produce", "--topic", "t", "-b", down);
    assertEquals(ExitCode.UNREACHABLE, produce.exitCode());
    assertEquals("error: " + hint + "\n", produce.err());
  }

  @Test
  void badValue_typo_badTopicName_badDir_oneLineEach(@TempDir Path dir) {
    CliRunner.Run value = CliRunner.run("consume", "--topic", "t", "--max-messages", "abc");
    assertEquals(ExitCode.USAGE, value.exitCode());
    assertOneLine(value, "'abc' is not a long");
    assertTrue(value.err().contains("see 'sluice consume --help'"), value.err());
    assertEquals("", value.out());

    CliRunner.Run typo = CliRunner.run("topics", "lsit");
    assertEquals(ExitCode.USAGE, typo.exitCode());
    assertOneLine(typo, "'lsit' (did you mean 'list'?)");
    CliRunner.Run option = CliRunner.run("consume", "--topic", "t", "--max-mesages", "1");
    assertEquals(ExitCode.USAGE, option.exitCode());
    assertOneLine(option, "(did you mean '--max-messages'?)");

    CliRunner.Run name = CliRunner.run("topics", "create", "bad name!", "-b", bootstrap);
    assertEquals(ExitCode.USAGE, name.exitCode());
    assertEquals(
        "error: topic name 'bad name!' has characters that are not allowed: use ASCII letters,"
            + " digits, '.', '_' and '-'\n",
        name.err());

    Path missing = dir.resolve("missing");
    CliRunner.Run bench = CliRunner.run("bench", "zerocopy", "--dir", missing.toString());
    assertEquals(ExitCode.USAGE, bench.exitCode());
    assertEquals(
        "error: --dir "
            + missing
            + " is not a directory: give an existing directory to write into\n",
        bench.err());
  }

  @Test
  void bootstrapBeforeTheCommand_isTheCommandsBootstrap() {
    broker.createTopic("early", 2);
    CliRunner.Run run = CliRunner.run("-b", bootstrap, "topics", "list");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("early\n", run.out());
    CliRunner.Run local = CliRunner.run("-b", bootstrap, "bench", "zerocopy", "--size", "1KiB");
    assertEquals(ExitCode.USAGE, local.exitCode());
    assertOneLine(local, "does not talk to a broker");
  }

  @Test
  void groupsDescribe_unknownGroup_exitsOneSayingSo() {
    CliRunner.Run run = CliRunner.run("groups", "describe", "nosuch", "-b", bootstrap);
    assertEquals(ExitCode.FAILED, run.exitCode());
    assertEquals("error: Consumer group 'nosuch' does not exist.\n", run.err());
    assertEquals("", run.out());
  }

  @Test
  void completion_printsABashScriptCoveringTheCommands() {
    CliRunner.Run run = CliRunner.run("completion");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("complete -F _complete_sluice"), run.out());
    assertTrue(run.out().contains("reset-offsets"), "subcommands of groups are completed");
    assertTrue(run.out().contains("--bootstrap-server"), "options are completed");
  }

  @Test
  void perfConsumeAndFetch_topicShorterThanAsked_sayWhatHappenedAndLeaveTheWaitOut()
      throws Exception {
    broker.createTopic("short", 1);
    CliRunner.Run produced =
        CliRunner.withInput("a\nb\nc\n", "produce", "--topic", "short", "-b", bootstrap);
    assertEquals(0, produced.exitCode(), produced.err());
    for (String command : new String[] {"consume", "fetch"}) {
      CliRunner.Run run =
          CliRunner.run(
              "perf",
              command,
              "--topic",
              "short",
              "--num-records",
              "10",
              "--idle-timeout-ms",
              "4000",
              "--json",
              "-b",
              bootstrap);
      assertEquals(ExitCode.FAILED, run.exitCode(), run.err());
      assertTrue(
          run.err().contains("error: only 3 of --num-records 10 records arrived"), run.err());
      JsonNode summary = new ObjectMapper().readTree(run.out().lines().reduce((a, b) -> b).get());
      assertEquals(3, summary.get("records").asLong(), run.out());
      // The 4 s without records is not part of the measured time.
      assertTrue(summary.get("seconds").asDouble() < 4.0, run.out());
    }
  }

  @Test
  void consumeWithGroup_idleTimerStartsAfterTheJoin() {
    broker.createTopic("joined", 2);
    CliRunner.Run produced =
        CliRunner.withInput("1\n2\n3\n4\n5\n", "produce", "--topic", "joined", "-b", bootstrap);
    assertEquals(0, produced.exitCode(), produced.err());
    CliRunner.Run run =
        CliRunner.run(
            "consume",
            "--topic",
            "joined",
            "--group",
            "g1",
            "--from-beginning",
            "--idle-timeout-ms",
            "1000",
            "-b",
            bootstrap);
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of("1", "2", "3", "4", "5"), run.out().lines().sorted().toList());
    assertTrue(run.err().contains("consumed 5 records from joined"), run.err());
  }
}
