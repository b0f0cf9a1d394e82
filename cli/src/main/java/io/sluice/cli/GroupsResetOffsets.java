package io.sluice.cli;

import io.sluice.client.GroupAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice groups reset-offsets G --to-earliest|--to-latest|--to-offset N|--to-datetime T}:
 * sets the committed offsets of a group that has no members, for the given topics or for every
 * topic the group has committed offsets for. The coordinator refuses a commit from outside while
 * members are active; this command checks first and says so.
 */
@Command(
    name = "reset-offsets",
    mixinStandardHelpOptions = true,
    description = "Set the committed offsets of a group with no active members.")
final class GroupsResetOffsets implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "GROUP", description = "Group id.")
  String group;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "Topic to reset (repeatable; default: every topic with committed offsets).")
  List<String> topics = new ArrayList<>();

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--dry-run", description = "Print the new offsets without committing them.")
  boolean dryRun;

  static final class Target {
    @Option(names = "--to-earliest", description = "To the log start.")
    boolean earliest;

    @Option(names = "--to-latest", description = "To the log end.")
    boolean latest;

    @Option(
        names = "--to-offset",
        paramLabel = "N",
        description = "To offset N (kept within the log start and end).")
    Long offset;

    @Option(
        names = "--to-datetime",
        paramLabel = "T",
        description =
            "To the first record at or after T: ISO-8601, e.g. 2026-11-26T15:00:00Z or"
                + " 2026-11-26T16:00:00+01:00; without a zone, UTC.")
    String datetime;
  }

  GroupsResetOffsets(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    try (GroupAdmin admin = GroupsCommand.admin(common)) {
      GroupAdmin.GroupDescription d = admin.describeGroup(group);
      if (!d.members().isEmpty()) {
        throw new SluiceClientException(
            Errors.NON_EMPTY_GROUP,
            null,
            "group '"
                + group
                + "' has "
                + d.members().size()
                + " active member(s) (state "
                + d.state()
                + "); stop its consumers first",
            false,
            null);
      }
      List<TopicPartition> partitions = partitions(admin);
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException(
            "group '" + group + "' has no committed offsets; name the topics with --topic");
      }
      Map<TopicPartition, Long> offsets = newOffsets(admin, partitions);
      if (!dryRun) {
        admin.commitOffsets(group, offsets);
      }
      offsets.forEach(
          (tp, offset) ->
              terminal
                  .out()
                  .printf(
                      "%s\t%d\t%d%s%n",
                      tp.topic(), tp.partition(), offset, dryRun ? "\t(dry run)" : ""));
      terminal
          .err()
          .printf(
              "%s %d offset(s) of group %s%n",
              dryRun ? "would reset" : "reset", offsets.size(), group);
    }
    return ExitCode.OK;
  }

  private List<TopicPartition> partitions(GroupAdmin admin) {
    TreeSet<TopicPartition> result = new TreeSet<>(GroupsCommand.BY_TOPIC_AND_PARTITION);
    if (topics.isEmpty()) {
      result.addAll(admin.committedOffsets(group).keySet());
    } else {
      try (io.sluice.client.Admin topicAdmin =
          new io.sluice.client.Admin(
              common.bootstrapServer,
              java.time.Duration.ofMillis(common.timeoutMs),
              common.security())) {
        for (String topic : topics) {
          int count = topicAdmin.partitionCount(topic);
          for (int p = 0; p < count; p++) {
            result.add(new TopicPartition(topic, p));
          }
        }
      }
    }
    return new ArrayList<>(result);
  }

  private Map<TopicPartition, Long> newOffsets(GroupAdmin admin, Collection<TopicPartition> tps) {
    Map<TopicPartition, Long> found;
    if (target.earliest) {
      found = admin.logStartOffsets(tps);
    } else if (target.latest) {
      found = admin.logEndOffsets(tps);
    } else if (target.datetime != null) {
      found = admin.offsetsForTime(tps, parseTime(target.datetime));
    } else {
      if (target.offset < 0) {
        throw new IllegalArgumentException("--to-offset=" + target.offset + " must be >= 0");
      }
      Map<TopicPartition, Long> start = admin.logStartOffsets(tps);
      Map<TopicPartition, Long> end = admin.logEndOffsets(tps);
      found = new LinkedHashMap<>();
      for (TopicPartition tp : tps) {
        // As Kafka's tool does: an offset outside the log is moved to its nearest end.
        found.put(tp, Math.max(start.get(tp), Math.min(end.get(tp), target.offset)));
      }
    }
    Map<TopicPartition, Long> sorted = new TreeMap<>(GroupsCommand.BY_TOPIC_AND_PARTITION);
    sorted.putAll(found);
    return sorted;
  }

  static long parseTime(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // fall through: no zone given
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--to-datetime=" + text + " is not ISO-8601, e.g. 2026-11-26T15:00:00Z");
    }
  }
}
