package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.client.GroupAdmin;
import io.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice groups list|describe|reset-offsets|delete|delete-offsets}. */
@Command(
    name = "groups",
    mixinStandardHelpOptions = true,
    description =
        "List and describe consumer groups, show their lag, reset or delete their offsets, delete"
            + " them.",
    subcommands = {
      GroupsCommand.ListGroups.class,
      GroupsCommand.Describe.class,
      GroupsResetOffsets.class,
      GroupsCommand.Delete.class,
      GroupsCommand.DeleteOffsets.class
    })
final class GroupsCommand {
  static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  static GroupAdmin admin(CommonOptions common) {
    return new GroupAdmin(
        common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security());
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete groups that have no members: their state and committed offsets.")
  static final class Delete implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "GROUP", description = "Group ids.")
    List<String> groups;

    Delete(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      try (GroupAdmin admin = admin(common)) {
        for (String group : groups) {
          admin.deleteGroup(group);
          terminal.out().printf("deleted group %s%n", group);
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "delete-offsets",
      mixinStandardHelpOptions = true,
      description =
          "Delete a group's committed offsets of a topic (or one partition of it); refused while a"
              + " member subscribes to the topic.")
  static final class DeleteOffsets implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Group id.")
    String group;

    @Option(names = "--topic", required = true, description = "The topic whose offsets go.")
    String topic;

    @Option(
        names = "--partition",
        description = "Only this partition (default: every partition the group committed).")
    Integer partition;

    DeleteOffsets(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      try (GroupAdmin admin = admin(common)) {
        List<TopicPartition> doomed = new ArrayList<>();
        if (partition != null) {
          doomed.add(new TopicPartition(topic, partition));
        } else {
          for (TopicPartition tp : admin.committedOffsets(group).keySet()) {
            if (tp.topic().equals(topic)) {
              doomed.add(tp);
            }
          }
        }
        if (doomed.isEmpty()) {
          terminal.out().printf("group %s has no committed offsets of topic %s%n", group, topic);
          return ExitCode.OK;
        }
        admin.deleteOffsets(group, doomed);
        terminal
            .out()
            .printf(
                "deleted the offsets of group %s for %d partition(s) of %s%n",
                group, doomed.size(), topic);
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the groups.")
  static final class ListGroups implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    ListGroups(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      try (GroupAdmin admin = admin(common)) {
        for (GroupAdmin.GroupListing g : admin.listGroups()) {
          terminal.out().printf("%s\t%s\t%s%n", g.groupId(), g.state(), g.protocolType());
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description =
          "Describe a group: its state and members, and per partition the committed offset, the"
              + " log end and the lag.")
  static final class Describe implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Group id.")
    String group;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Describe(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
      try (GroupAdmin admin = admin(common)) {
        GroupAdmin.GroupDescription d = admin.describeGroup(group);
        Map<TopicPartition, Long> committed = admin.committedOffsets(group);
        if ("Dead".equals(d.state()) && d.members().isEmpty() && committed.isEmpty()) {
          // What a coordinator answers for a group it does not know; Kafka's tool says so too.
          terminal.err().printf("error: Consumer group '%s' does not exist.%n", group);
          return ExitCode.FAILED;
        }
        Map<TopicPartition, GroupAdmin.MemberDescription> owner = new HashMap<>();
        TreeSet<TopicPartition> partitions = new TreeSet<>(BY_TOPIC_AND_PARTITION);
        partitions.addAll(committed.keySet());
        for (GroupAdmin.MemberDescription m : d.members()) {
          m.assignment().forEach(tp -> owner.put(tp, m));
          partitions.addAll(m.assignment());
        }
        Map<TopicPartition, Long> ends = admin.logEndOffsets(partitions);
        List<Row> rows =
            partitions.stream()
                .map(tp -> new Row(tp, committed.get(tp), ends.get(tp), owner.get(tp)))
                .toList();
        if (json) {
          terminal.out().println(json(d, rows));
        } else {
          print(d, rows);
        }
      }
      return ExitCode.OK;
    }

    /** One partition of the group: committed offset (null if none), log end, owner (or null). */
    private record Row(
        TopicPartition partition, Long committed, Long logEnd, GroupAdmin.MemberDescription owner) {
      Long lag() {
        return committed == null || logEnd == null ? null : Math.max(0, logEnd - committed);
      }
    }

    private void print(GroupAdmin.GroupDescription d, List<Row> rows) {
      terminal
          .out()
          .printf(
              "group %s: state %s, protocol %s, %d member(s)%n",
              d.groupId(),
              d.state(),
              d.protocol().isEmpty() ? "-" : d.protocol(),
              d.members().size());
      if (!d.members().isEmpty()) {
        terminal.out().printf("%nMEMBER\tCLIENT-ID\tHOST\tPARTITIONS%n");
        for (GroupAdmin.MemberDescription m : d.members()) {
          terminal
              .out()
              .printf(
                  "%s\t%s\t%s\t%s%n",
                  m.memberId(),
                  m.clientId(),
                  m.host(),
                  m.assignment().stream().sorted(BY_TOPIC_AND_PARTITION).toList());
        }
      }
      terminal.out().printf("%nTOPIC\tPARTITION\tCOMMITTED\tLOG-END\tLAG\tMEMBER%n");
      for (Row r : rows) {
        terminal
            .out()
            .printf(
                "%s\t%d\t%s\t%s\t%s\t%s%n",
                r.partition().topic(),
                r.partition().partition(),
                dash(r.committed()),
                dash(r.logEnd()),
                dash(r.lag()),
                r.owner() == null ? "-" : r.owner().memberId());
      }
    }

    private static String dash(Long value) {
      return value == null ? "-" : value.toString();
    }

    private static String json(GroupAdmin.GroupDescription d, List<Row> rows) throws Exception {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("group", d.groupId());
      root.put("state", d.state());
      root.put("protocol", d.protocol());
      ArrayNode members = root.putArray("members");
      for (GroupAdmin.MemberDescription m : d.members()) {
        ObjectNode node = members.addObject();
        node.put("memberId", m.memberId());
        node.put("groupInstanceId", m.groupInstanceId());
        node.put("clientId", m.clientId());
        node.put("host", m.host());
        ArrayNode list = node.putArray("partitions");
        m.assignment().stream()
            .sorted(BY_TOPIC_AND_PARTITION)
            .forEach(tp -> list.add(tp.toString()));
      }
      ArrayNode partitions = root.putArray("partitions");
      for (Row r : rows) {
        ObjectNode node = partitions.addObject();
        node.put("topic", r.partition().topic());
        node.put("partition", r.partition().partition());
        node.put("committed", r.committed());
        node.put("logEnd", r.logEnd());
        node.put("lag", r.lag());
        node.put("member", r.owner() == null ? null : r.owner().memberId());
      }
      return mapper.writeValueAsString(root);
    }
  }
}
