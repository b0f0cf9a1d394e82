package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.client.Admin;
import io.sluice.client.ConfigEntry;
import io.sluice.client.TopicDescription;
import io.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice topics create|list|describe|alter|delete-records|delete}. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description =
        "Create, list, describe, alter and delete topics, and delete records at the start of"
            + " partitions.",
    subcommands = {
      TopicsCommand.Create.class,
      TopicsCommand.ListTopics.class,
      TopicsCommand.Describe.class,
      TopicsCommand.Alter.class,
      TopicsCommand.DeleteRecords.class,
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
      description =
          "Show partitions, leaders, earliest/latest offsets and the topic's configuration"
              + " overrides (--all-configs: every key with its source).")
  static final class Describe implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topic names.")
    List<String> topics;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(
        names = "--all-configs",
        description = "List every configuration key, not only the topic's overrides.")
    boolean allConfigs;

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
          List<ConfigEntry> configs =
              admin.describeTopicConfig(topic).stream()
                  .filter(e -> allConfigs || e.isOverride())
                  .toList();
          if (json) {
            ObjectNode node = array.addObject();
            node.put("topic", d.name());
            ObjectNode configNode = node.putObject("configs");
            for (ConfigEntry e : configs) {
              configNode.put(e.name(), e.value());
            }
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
            for (ConfigEntry e : configs) {
              terminal
                  .out()
                  .printf(
                      "  config %s=%s%s%n",
                      e.name(), e.value(), allConfigs ? "  (" + e.source() + ")" : "");
            }
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

  @Command(
      name = "alter",
      mixinStandardHelpOptions = true,
      description =
          "Change a topic's configuration overrides and/or grow it to more partitions; the broker"
              + " applies them at once.")
  static final class Alter implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
    String topic;

    @Option(
        names = "--config",
        paramLabel = "KEY=VALUE",
        description = "Set a topic setting, e.g. retention.ms=3600000 (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(
        names = "--delete-config",
        paramLabel = "KEY",
        description = "Remove an override: the topic takes the broker's value (repeatable).")
    List<String> delete = new ArrayList<>();

    @Option(
        names = {"--partitions", "-p"},
        description = "The new, larger, number of partitions.")
    Integer partitions;

    Alter(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      if (set.isEmpty() && delete.isEmpty() && partitions == null) {
        throw new IllegalArgumentException(
            "nothing to change: give --config, --delete-config or --partitions");
      }
      try (Admin admin = admin(common)) {
        if (!set.isEmpty() || !delete.isEmpty()) {
          admin.alterTopicConfig(topic, set, new LinkedHashSet<>(delete));
          terminal.out().printf("altered the configuration of topic %s%n", topic);
        }
        if (partitions != null) {
          admin.createPartitions(topic, partitions);
          terminal.out().printf("topic %s now has %d partition(s)%n", topic, partitions);
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "delete-records",
      mixinStandardHelpOptions = true,
      description =
          "Delete the records before an offset (they can no longer be read; whole segments below"
              + " it are removed).")
  static final class DeleteRecords implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
    String topic;

    @Option(
        names = "--offset",
        required = true,
        description = "Delete records below this offset; -1: every record up to the end.")
    long offset;

    @Option(
        names = "--partition",
        description = "Only this partition (default: every partition of the topic).")
    Integer partition;

    DeleteRecords(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      if (offset < -1) {
        throw new IllegalArgumentException("--offset must be >= -1, got " + offset);
      }
      try (Admin admin = admin(common)) {
        Map<TopicPartition, Long> wanted = new LinkedHashMap<>();
        if (partition != null) {
          wanted.put(new TopicPartition(topic, partition), offset);
        } else {
          for (int p = 0; p < admin.partitionCount(topic); p++) {
            wanted.put(new TopicPartition(topic, p), offset);
          }
        }
        admin
            .deleteRecords(wanted)
            .forEach(
                (tp, low) ->
                    terminal
                        .out()
                        .printf("partition %d  log start offset now %d%n", tp.partition(), low));
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
