package io.sluice.client.internal.group;

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
}
