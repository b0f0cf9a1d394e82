package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.testing.TestBroker;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code sluice} commands run as a user runs them: arguments in, output and exit code out. */
@Timeout(120)
class CliIT {
  private TestBroker broker;
  private String bootstrap;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
    bootstrap = broker.bootstrap();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  private CliRunner.Run sluice(String... args) {
    return CliRunner.run(withBootstrap(args));
  }

  private String[] withBootstrap(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap-server";
    all[args.length + 1] = bootstrap;
    return all;
  }

  @Test
  void topics_createListDescribeDelete_outputAndExitCodes() throws Exception {
    CliRunner.Run created = sluice("topics", "create", "demo", "--partitions", "3");
    assertEquals(0, created.exitCode(), created.err());
    assertEquals("created topic demo with 3 partition(s)\n", created.out());

    CliRunner.Run again = sluice("topics", "create", "demo");
    assertEquals(ExitCode.FAILED, again.exitCode());
    assertEquals("error: topic 'demo' already exists\n", again.err());

    CliRunner.Run list = sluice("topics", "list");
    assertEquals(0, list.exitCode(), list.err());
    assertEquals("demo\n", list.out());

    CliRunner.Run described = sluice("topics", "describe", "demo", "--json");
    assertEquals(0, described.exitCode(), described.err());
    JsonNode json = new ObjectMapper().readTree(described.out());
    assertEquals(3, json.get(0).get("partitions").size());
    assertEquals(0, json.get(0).get("partitions").get(2).get("latestOffset").asLong());

    CliRunner.Run deleted = sluice("topics", "delete", "demo");
    assertEquals(0, deleted.exitCode(), deleted.err());
    assertEquals("", sluice("topics", "list").out());
  }

  @Test
  void clusterDescribe_singleNode_oneBrokerThatIsTheControllerAndLeadsEverything() {
    broker.createTopic("solo", 2);
    CliRunner.Run described = sluice("cluster", "describe");
    assertEquals(0, described.exitCode(), described.err());
    java.util.List<String> lines = described.out().lines().toList();
    assertTrue(
        lines.get(0).endsWith(": controller 0, 1 broker(s), 2 partition(s), 0 offline"),
        described.out());
    assertEquals("0\t" + bootstrap + "\t-\tyes\t2\tsolo-0 solo-1", lines.get(3), described.out());
    assertEquals(4, lines.size(), described.out());
  }

  @Test
  void produceThenConsume_linesWithKeys_roundTripAsTextAndJson() throws Exception {
    broker.createTopic("lines", 1);
    CliRunner.Run produced =
        CliRunner.withInput(
            "a:1\nb:2\nplain\n",
            withBootstrap("produce", "--topic", "lines", "--key-separator", ":"));
    assertEquals(0, produced.exitCode(), produced.err());
    assertEquals("sent 3 records to lines\n", produced.err());

    CliRunner.Run text =
        sluice(
            "consume",
            "--topic",
            "lines",
            "--from-beginning",
            "--max-messages",
            "3",
            "--print-key",
            "--key-separator",
            "=");
    assertEquals(0, text.exitCode(), text.err());
    assertEquals("a=1\nb=2\nnull=plain\n", text.out());

    CliRunner.Run json =
        sluice(
            "consume",
            "--topic",
            "lines",
            "--offset",
            "1",
            "--max-messages",
            "1",
            "--format",
            "json");
    assertEquals(0, json.exitCode(), json.err());
    JsonNode record = new ObjectMapper().readTree(json.out());
    assertEquals(1, record.get("offset").asLong());
    assertEquals("b", record.get("key").asText());
    assertEquals("2", record.get("value").asText());
  }

  @Test
  void consume_withGroup_secondRunContinuesWhereTheFirstStopped() {
    broker.createTopic("grouped", 1);
    assertEquals(0, sluice("produce", "--topic", "grouped", "--count", "10").exitCode());
    CliRunner.Run first =
        sluice(
            "consume",
            "--topic",
            "grouped",
            "--group",
            "cli",
            "--from-beginning",
            "--max-messages",
            "4");
    assertEquals(0, first.exitCode(), first.err());
    assertEquals("record-0\nrecord-1\nrecord-2\nrecord-3\n", first.out());
    CliRunner.Run second =
        sluice("consume", "--topic", "grouped", "--group", "cli", "--max-messages", "2");
    assertEquals(0, second.exitCode(), second.err());
    assertEquals("record-4\nrecord-5\n", second.out());
  }

  @Test
  void consume_unknownTopic_exitsOneWithOneLineError() {
    CliRunner.Run run = sluice("consume", "--topic", "missing", "--max-messages", "1");
    assertEquals(ExitCode.FAILED, run.exitCode());
    assertEquals("error: topic 'missing' does not exist\n", run.err());
  }

  @Test
  void anyCommand_unreachableBroker_exitsThreeWithoutStackTrace() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    bootstrap = "127.0.0.1:" + closedPort;
    CliRunner.Run run = sluice("topics", "list", "--timeout-ms", "1000");
    assertEquals(ExitCode.UNREACHABLE, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("error: cannot connect to broker at " + bootstrap), run.err());
    assertEquals(1, run.err().lines().count(), run.err());

    CliRunner.Run verbose = sluice("topics", "list", "--timeout-ms", "1000", "--verbose");
    assertEquals(ExitCode.UNREACHABLE, verbose.exitCode());
    assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose");
  }

  @Test
  void perfProduceAndConsume_smallRun_jsonSummaries() throws Exception {
    CliRunner.Run produce =
        sluice(
            "perf",
            "produce",
            "--topic",
            "p",
            "--num-records",
            "2000",
            "--record-size",
            "100",
            "--partitions",
            "2",
            "--json");
    assertEquals(0, produce.exitCode(), produce.err());
    JsonNode summary = new ObjectMapper().readTree(produce.out());
    assertEquals(2000, summary.get("records").asLong());
    assertEquals(200_000, summary.get("bytes").asLong());
    assertTrue(summary.get("latencyMs").get("p99").asDouble() > 0);

    CliRunner.Run consume =
        sluice("perf", "consume", "--topic", "p", "--num-records", "2000", "--json");
    assertEquals(0, consume.exitCode(), consume.err());
    JsonNode read = new ObjectMapper().readTree(consume.out());
    assertEquals(2000, read.get("records").asLong());
    assertTrue(read.get("firstRecordMs").asDouble() >= 0);

    CliRunner.Run e2e =
        sluice(
            "perf", "e2e", "--topic", "e", "--num-records", "200", "--throughput", "-1", "--json");
    assertEquals(0, e2e.exitCode(), e2e.err());
    assertEquals(200, new ObjectMapper().readTree(e2e.out()).get("records").asLong());

    // The raw fetch reader counts exactly the records of both partitions, and their batch bytes.
    CliRunner.Run fetch =
        sluice(
            "perf",
            "fetch",
            "--topic",
            "p",
            "--num-records",
            "2000",
            "--max-bytes",
            "4KiB",
            "--json");
    assertEquals(0, fetch.exitCode(), fetch.err());
    JsonNode fetched = new ObjectMapper().readTree(fetch.out());
    assertEquals(2000, fetched.get("records").asLong());
    long bytes = fetched.get("bytes").asLong();
    assertTrue(
        bytes > 200_000 && bytes < 300_000, "batch bytes of 2,000 100-byte records: " + bytes);

    // Three passes over the same 2,000 records: 6,000 counted, none past the high watermark.
    CliRunner.Run passes =
        sluice("perf", "fetch", "--topic", "p", "--num-records", "6000", "--passes", "3", "--json");
    assertEquals(0, passes.exitCode(), passes.err());
    assertEquals(6000, new ObjectMapper().readTree(passes.out()).get("records").asLong());

    CliRunner.Run tooMany =
        sluice(
            "perf", "fetch", "--topic", "p", "--num-records", "2001", "--idle-timeout-ms", "300");
    assertEquals(ExitCode.FAILED, tooMany.exitCode(), tooMany.err());
  }

  @Test
  void help_everyCommand_exitsZeroAndDescribesIt() {
    String[][] commands = {
      {}, {"topics"}, {"topics", "create"}, {"topics", "list"}, {"topics", "describe"},
      {"topics", "delete"}, {"produce"}, {"consume"}, {"perf"}, {"perf", "produce"},
      {"perf", "consume"}, {"perf", "e2e"}, {"perf", "fetch"}, {"bench"}, {"bench", "zerocopy"}
    };
    for (String[] command : commands) {
      String[] args = new String[command.length + 1];
      System.arraycopy(command, 0, args, 0, command.length);
      args[command.length] = "--help";
      CliRunner.Run run = CliRunner.run(args);
      assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
      assertTrue(run.out().startsWith("Usage: sluice"), String.join(" ", args));
    }
  }

  @Test
  void usageErrors_exitTwo() {
    CliRunner.Run missing = CliRunner.run("produce");
    assertEquals(ExitCode.USAGE, missing.exitCode());
    assertTrue(missing.err().contains("Missing required option: '--topic"), missing.err());
    CliRunner.Run unknown = CliRunner.run("topics", "frobnicate");
    assertEquals(ExitCode.USAGE, unknown.exitCode());
    CliRunner.Run none = CliRunner.run();
    assertEquals(ExitCode.USAGE, none.exitCode());
    assertFalse(none.err().isEmpty());
  }
}
