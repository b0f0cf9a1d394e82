package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.client.Admin;
import io.sluice.client.TopicDescription;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice topics create|list|describe|delete}. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create, list, describe and delete topics.",
    subcommands = {
      TopicsCommand.Create.class,
      TopicsCommand.ListTopics.class,
      TopicsCommand.Describe.class,
      TopicsCommand.Delete.class
    })
final class TopicsCommand {

  private static final java.util.regex.Pattern LEGAL_NAME =
      java.util.regex.Pattern.compile("[a-zA-Z0-9._-]+");

  /**
   * Kafka's rule for topic names, checked before asking the broker so that the message can say
   * which characters are legal. Whatever else the broker refuses (a reserved name, a collision) is
   * its own one-line answer.
   */
  static void checkName(String topic) {
    if (topic.isEmpty() || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("topic name '" + topic + "' is not allowed");
    }
    if (topic.length() > 249) {
      throw new IllegalArgumentException(
          "topic name is " + topic.length() + " characters long; at most 249 are allowed");
    }
    if (!LEGAL_NAME.matcher(topic).matches()) {
      throw new IllegalArgumentException(
          "topic name '"
              + topic
              + "' has characters that are not allowed: use ASCII letters, digits, '.', '_' and"
              + " '-'");
    }
  }

  private static Admin admin(CommonOptions common) {
    return new Admin(
        common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
  static final class Create implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
    String topic;

    @Option(
        names = {"--partitions", "-p"},
        defaultValue = "1",
        description = "Number of partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--config",
        paramLabel = "KEY=VALUE",
        description = "Topic setting, e.g. retention.ms=3600000 (repeatable).")
    Map<String, String> configs = new LinkedHashMap<>();

    Create(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      if (partitions < 1) {
        throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
      }
      checkName(topic);
      try (Admin admin = admin(common)) {
        admin.createTopic(topic, partitions, configs);
      }
      terminal.out().printf("created topic %s with %d partition(s)%n", topic, partitions);
      return ExitCode.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names.")
  static final class ListTopics implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    ListTopics(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      try (Admin admin = admin(common)) {
        admin.listTopics().forEach(terminal.out()::println);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Show partitions, leaders and earliest/latest offsets.")
  static final class Describe implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topic names.")
    List<String> topics;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Describe(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
      ObjectMapper mapper = new ObjectMapper();
      ArrayNode array = mapper.createArrayNode();
      try (Admin admin = admin(common)) {
        for (String topic : topics) {
          TopicDescription d = admin.describeTopic(topic);
          if (json) {
            ObjectNode node = array.addObject();
            node.put("topic", d.name());
            ArrayNode parts = node.putArray("partitions");
            for (TopicDescription.PartitionDescription p : d.partitions()) {
              parts
                  .addObject()
                  .put("partition", p.partition())
                  .put("leader", p.leader())
                  .put("earliestOffset", p.earliestOffset())
                  .put("latestOffset", p.latestOffset());
            }
          } else {
            terminal.out().printf("topic %s, %d partition(s)%n", d.name(), d.partitions().size());
            for (TopicDescription.PartitionDescription p : d.partitions()) {
              terminal
                  .out()
                  .printf(
                      "  partition %d  leader %d  earliest %d  latest %d%n",
                      p.partition(), p.leader(), p.earliestOffset(), p.latestOffset());
            }
          }
        }
      }
      if (json) {
        terminal.out().println(mapper.writeValueAsString(array));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic.")
  static final class Delete implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
    String topic;

    Delete(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      try (Admin admin = admin(common)) {
        admin.deleteTopic(topic);
      }
      terminal.out().printf("deleted topic %s%n", topic);
      return ExitCode.OK;
    }
  }
}
