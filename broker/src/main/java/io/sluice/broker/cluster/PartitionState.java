package io.sluice.broker.cluster;

import java.util.List;

/**
 * One partition's leadership as the controller last wrote it to {@code
 * /brokers/topics/{t}/partitions/{p}/state}. A leader of {@link #NO_LEADER} means the partition is
 * offline. The leader epoch grows by one at every leader change (also to and from offline, and when
 * the leader comes back as a new incarnation, told by {@code leaderBrokerEpoch}, the broker epoch
 * it had when the state was written; -1 when offline), so a client can tell a newer answer from an
 * older one. Immutable.
 */
public record PartitionState(
    int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, long leaderBrokerEpoch) {
  public static final int NO_LEADER = -1;

  public PartitionState {
    isr = List.copyOf(isr);
  }

  public boolean online() {
    return leader != NO_LEADER;
  }
}
