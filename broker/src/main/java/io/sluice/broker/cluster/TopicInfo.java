package io.sluice.broker.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic as the cluster knows it: its identity (the creation id of {@code /brokers/topics/{t}}, so
 * that a topic deleted and created again under the same name is told apart), the replicas of each
 * partition and each partition's state, null until the controller has written it, and the
 * partitions being reassigned (by partition; {@code replicas} is then the full replica set).
 * Immutable.
 */
public record TopicInfo(
    long id,
    List<List<Integer>> replicas,
    List<PartitionState> states,
    Map<Integer, PartitionAssignment> reassignments) {
  public TopicInfo {
    replicas = List.copyOf(replicas);
    reassignments = Collections.unmodifiableMap(new TreeMap<>(reassignments));
    states = Collections.unmodifiableList(new ArrayList<>(states));
    if (states.size() != replicas.size()) {
      throw new IllegalArgumentException(
          "states for " + states.size() + " of " + replicas.size() + " partitions");
    }
  }

  /** A topic without reassignments. */
  public TopicInfo(long id, List<List<Integer>> replicas, List<PartitionState> states) {
    this(id, replicas, states, Map.of());
  }

  public int partitionCount() {
    return replicas.size();
  }

  /** The partition's leader, or -1 while it is offline or its state is not written yet. */
  public int leader(int partition) {
    PartitionState state = states.get(partition);
    return state == null ? PartitionState.NO_LEADER : state.leader();
  }

  /** The partition's leader epoch, or -1 while its state is not written yet. */
  public int leaderEpoch(int partition) {
    PartitionState state = states.get(partition);
    return state == null ? -1 : state.leaderEpoch();
  }

  /** Every partition has a state written by the controller. */
  public boolean complete() {
    return !states.contains(null);
  }
}
