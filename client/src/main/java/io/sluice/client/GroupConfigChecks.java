package io.sluice.client;

import io.sluice.client.internal.group.PartitionAssignor;
import java.util.ArrayList;
import java.util.List;

/** Validation of the consumer's group settings, kept apart from the rest of the config. */
final class GroupConfigChecks {
  private GroupConfigChecks() {}

  /**
   * Checks the group settings, naming the first bad key and value.
   *
   * @return the assignment strategies, trimmed and copied
   */
  static List<String> validate(
      int autoCommitIntervalMs,
      int sessionTimeoutMs,
      int heartbeatIntervalMs,
      int maxPollIntervalMs,
      String groupInstanceId,
      List<String> strategies) {
    ConfigChecks.require(
        autoCommitIntervalMs >= 0, "auto.commit.interval.ms", autoCommitIntervalMs);
    ConfigChecks.require(sessionTimeoutMs > 0, "session.timeout.ms", sessionTimeoutMs);
    ConfigChecks.require(
        heartbeatIntervalMs > 0 && heartbeatIntervalMs < sessionTimeoutMs,
        "heartbeat.interval.ms",
        heartbeatIntervalMs + " (must be > 0 and below session.timeout.ms)");
    ConfigChecks.require(maxPollIntervalMs > 0, "max.poll.interval.ms", maxPollIntervalMs);
    ConfigChecks.require(
        groupInstanceId == null || !groupInstanceId.isBlank(),
        "group.instance.id",
        groupInstanceId);
    ConfigChecks.require(
        strategies != null && !strategies.isEmpty(), "partition.assignment.strategy", strategies);
    List<String> result = new ArrayList<>();
    for (String s : strategies) {
      PartitionAssignor.forName(s.trim()); // throws, naming the value
      result.add(s.trim());
    }
    return List.copyOf(result);
  }

  static List<String> parseList(String value) {
    List<String> result = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        result.add(part.trim());
      }
    }
    return result;
  }
}
