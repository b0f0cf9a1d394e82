package io.sluice.broker.metadata;

import java.util.List;

/**
 * Who serves a partition: its leader (-1 for none), the leader epoch (bumped on every leader
 * change), all replicas and the in-sync ones, as node ids. Immutable.
 */
public record PartitionState(
    int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
  public PartitionState {
    replicas = List.copyOf(replicas);
    isr = List.copyOf(isr);
  }
}
