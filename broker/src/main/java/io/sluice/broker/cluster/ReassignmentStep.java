package io.sluice.broker.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the controller writes next for one partition's replica set (Kafka's ZooKeeper-era
 * reassignment, KIP-455), as a pure function of the partition's assignment, its state and the live
 * brokers, so that a controller that reconciles from scratch (a new one, or after a conflict) takes
 * the same step.
 *
 * <ul>
 *   <li><b>Complete</b>: a reassignment is in progress, the leader is live in the incarnation the
 *       state names, and every target replica is in the ISR. The leader stays if it is a target
 *       replica (with {@code preferred}, the first target replica takes over if it is live and in
 *       sync), else the first target replica that is live and in sync leads; the ISR loses the
 *       replicas being removed; the leader epoch grows by one, which fences any ISR change the
 *       leader had in flight for the old replica set; the assignment becomes the target. Both are
 *       written in one transaction.
 *   <li><b>Repair</b>: an online partition's state names a leader or in-sync replicas that are not
 *       replicas any more (a cancellation, or a reassignment replaced by another, dropped replicas
 *       that were being added): they leave the ISR and, if the leader was one, the first live
 *       in-sync replica leads (offline, the ISR kept, if there is none), with a new leader epoch.
 *       An offline partition is left alone: the election only picks replicas.
 *   <li>Otherwise nothing: the new replicas are still catching up (the leader adds them to the ISR
 *       as it does any follower), or the leader is not live (the ordinary election runs first).
 * </ul>
 *
 * Stateless and thread-safe.
 */
final class ReassignmentStep {
  /** The state to write, and the assignment to write with it (null: unchanged). */
  record Step(PartitionState state, PartitionAssignment assignment) {}

  private ReassignmentStep() {}

  /**
   * The next step for a partition, or null when there is none.
   *
   * @param controllerEpoch the epoch the new state is written in
   * @param preferred {@code auto.leader.rebalance.enable}: on completion, lead from the first
   *     target replica when it is live and in sync
   */
  static Step next(
      PartitionAssignment assignment,
      PartitionState state,
      Map<Integer, Long> live,
      int controllerEpoch,
      boolean preferred) {
    if (state == null) {
      return null;
    }
    List<Integer> replicas = assignment.replicas();
    boolean leaderLive =
        state.online() && Long.valueOf(state.leaderBrokerEpoch()).equals(live.get(state.leader()));
    if (assignment.reassigning()
        && leaderLive
        && replicas.contains(state.leader())
        && state.isr().containsAll(assignment.target())) {
      List<Integer> target = assignment.target();
      int leader = PartitionState.NO_LEADER;
      if (preferred && live.containsKey(target.get(0))) {
        leader = target.get(0);
      } else if (target.contains(state.leader())) {
        leader = state.leader();
      } else {
        leader = firstLiveInSync(target, state.isr(), live);
      }
      if (leader == PartitionState.NO_LEADER) {
        return null; // every target replica is in sync, so one is live unless all went: wait
      }
      List<Integer> isr = retained(state.isr(), target);
      long brokerEpoch =
          leader == state.leader() ? state.leaderBrokerEpoch() : live.get(leader).longValue();
      return new Step(
          new PartitionState(leader, state.leaderEpoch() + 1, isr, controllerEpoch, brokerEpoch),
          assignment.completed());
    }
    if (!state.online()
        || (replicas.contains(state.leader()) && replicas.containsAll(state.isr()))) {
      return null; // offline: stray ISR members are harmless, the election only picks replicas
    }
    List<Integer> isr = retained(state.isr(), replicas);
    if (replicas.contains(state.leader())) {
      return new Step(
          new PartitionState(
              state.leader(),
              state.leaderEpoch() + 1,
              isr,
              controllerEpoch,
              state.leaderBrokerEpoch()),
          null);
    }
    int leader = firstLiveInSync(replicas, isr, live);
    if (leader == PartitionState.NO_LEADER) {
      // No replica can take over: offline, the ISR kept as it was (as an election does).
      return new Step(
          new PartitionState(
              PartitionState.NO_LEADER, state.leaderEpoch() + 1, state.isr(), controllerEpoch, -1),
          null);
    }
    return new Step(
        new PartitionState(
            leader, state.leaderEpoch() + 1, isr, controllerEpoch, live.get(leader).longValue()),
        null);
  }

  private static int firstLiveInSync(
      List<Integer> order, List<Integer> isr, Map<Integer, Long> live) {
    for (int replica : order) {
      if (isr.contains(replica) && live.containsKey(replica)) {
        return replica;
      }
    }
    return PartitionState.NO_LEADER;
  }

  /** The members of {@code isr} that are in {@code keep}, in ISR order. */
  private static List<Integer> retained(List<Integer> isr, List<Integer> keep) {
    List<Integer> out = new ArrayList<>();
    for (int member : isr) {
      if (keep.contains(member)) {
        out.add(member);
      }
    }
    return out;
  }
}
