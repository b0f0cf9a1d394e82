package io.sluice.client.internal.group;

import io.sluice.client.ConsumerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumer settings group membership uses, taken from {@code ConsumerConfig} (which validated
 * them).
 *
 * @param rebalanceTimeoutMs {@code max.poll.interval.ms}: how long the coordinator waits for
 *     members to rejoin, and how long the application may go without polling before the member
 *     leaves the group
 * @param assignors in order of preference, as {@code partition.assignment.strategy} lists them
 */
public record GroupSettings(
    String groupId,
    String groupInstanceId,
    int sessionTimeoutMs,
    int rebalanceTimeoutMs,
    int heartbeatIntervalMs,
    List<PartitionAssignor> assignors,
    boolean autoCommit,
    long autoCommitIntervalMs,
    long retryBackoffMs,
    long requestTimeoutMs) {
  public GroupSettings {
    assignors = List.copyOf(assignors);
  }

  /** The group settings of a consumer configuration that names a group. */
  public static GroupSettings of(ConsumerConfig config) {
    List<PartitionAssignor> assignors = new ArrayList<>();
    for (String name : config.partitionAssignmentStrategy()) {
      assignors.add(PartitionAssignor.forName(name));
    }
    return new GroupSettings(
        config.groupId(),
        config.groupInstanceId(),
        config.sessionTimeoutMs(),
        config.maxPollIntervalMs(),
        config.heartbeatIntervalMs(),
        assignors,
        config.enableAutoCommit(),
        config.autoCommitIntervalMs(),
        config.retryBackoffMs(),
        config.requestTimeoutMs());
  }
}
