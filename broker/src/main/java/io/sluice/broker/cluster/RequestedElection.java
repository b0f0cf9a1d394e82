package io.sluice.broker.cluster;

import io.sluice.broker.metadata.LeaderElection;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Leader election on request (ElectLeaders), the controller's decision for one partition: Kafka's
 * rules, as its controller applies them to a request.
 *
 * <ul>
 *   <li><b>Preferred</b>: nothing to do ({@code ELECTION_NOT_NEEDED}) when the partition's first
 *       replica already leads it; else that replica leads if it is live and in the ISR (the ISR
 *       keeps its live members), otherwise {@code PREFERRED_LEADER_NOT_AVAILABLE}.
 *   <li><b>Unclean</b>: nothing to do when the partition has a live leader (in the incarnation its
 *       state names); else the first live in-sync replica in assignment order leads (a clean
 *       election), or, when no in-sync replica is live, the first live replica, with an ISR of
 *       itself alone: records acknowledged by the old ISR and not copied to it are lost, which the
 *       operator asked for. No live replica at all: {@code ELIGIBLE_LEADERS_NOT_AVAILABLE}.
 * </ul>
 *
 * Every change bumps the leader epoch and names the new leader's broker epoch, as the controller's
 * own elections do. Stateless.
 */
final class RequestedElection {
  private RequestedElection() {}

  /** A request as stored in ZooKeeper; {@code results} is null until the controller answered. */
  record Request(
      LeaderElection.Type type,
      List<LeaderElection.Partition> partitions,
      Map<LeaderElection.Partition, Outcome> results) {
    Request {
      partitions = List.copyOf(partitions);
    }

    boolean answered() {
      return results != null;
    }
  }

  /**
   * The controller's answer for one partition: {@code NONE} with the leader and leader epoch it
   * wrote (a broker answers once its own metadata shows that epoch), or an error and why.
   */
  record Outcome(Errors error, String message, int leader, int leaderEpoch) {
    static Outcome elected(PartitionState state) {
      return new Outcome(Errors.NONE, null, state.leader(), state.leaderEpoch());
    }

    static Outcome refused(Errors error, String message) {
      return new Outcome(error, message, PartitionState.NO_LEADER, -1);
    }

    LeaderElection.Result result() {
      return new LeaderElection.Result(error, message);
    }
  }

  /** The outcome, and the state to write (null when nothing changes). */
  record Decision(Outcome outcome, PartitionState next) {}

  /**
   * Decides one partition of a request.
   *
   * @param replicas the partition's assignment, the preferred replica first
   * @param state its current state (null when the controller has not written one yet)
   * @param live the registered brokers with their broker epochs
   * @param controllerEpoch the epoch the new state is written with
   */
  static Decision decide(
      LeaderElection.Type type,
      LeaderElection.Partition partition,
      List<Integer> replicas,
      PartitionState state,
      Map<Integer, Long> live,
      int controllerEpoch) {
    Errors unavailable =
        type == LeaderElection.Type.PREFERRED
            ? Errors.PREFERRED_LEADER_NOT_AVAILABLE
            : Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE;
    if (state == null || replicas.isEmpty()) {
      return refused(unavailable, "partition " + partition + " has no leader state yet");
    }
    return type == LeaderElection.Type.PREFERRED
        ? preferred(partition, replicas, state, live, controllerEpoch)
        : unclean(partition, replicas, state, live, controllerEpoch);
  }

  private static Decision preferred(
      LeaderElection.Partition partition,
      List<Integer> replicas,
      PartitionState state,
      Map<Integer, Long> live,
      int controllerEpoch) {
    int preferred = replicas.get(0);
    if (state.leader() == preferred) {
      return refused(
          Errors.ELECTION_NOT_NEEDED,
          "partition " + partition + " is already led by its preferred replica " + preferred);
    }
    if (!live.containsKey(preferred)) {
      return refused(
          Errors.PREFERRED_LEADER_NOT_AVAILABLE,
          "the preferred replica " + preferred + " of partition " + partition + " is not live");
    }
    if (!state.isr().contains(preferred)) {
      return refused(
          Errors.PREFERRED_LEADER_NOT_AVAILABLE,
          "the preferred replica "
              + preferred
              + " of partition "
              + partition
              + " is not in its in-sync replicas "
              + state.isr());
    }
    return elected(preferred, liveMembers(state.isr(), live), state, live, controllerEpoch);
  }

  private static Decision unclean(
      LeaderElection.Partition partition,
      List<Integer> replicas,
      PartitionState state,
      Map<Integer, Long> live,
      int controllerEpoch) {
    if (state.online()
        && Long.valueOf(state.leaderBrokerEpoch()).equals(live.get(state.leader()))) {
      return refused(
          Errors.ELECTION_NOT_NEEDED,
          "partition " + partition + " has a live leader, " + state.leader());
    }
    for (int replica : replicas) {
      if (state.isr().contains(replica) && live.containsKey(replica)) {
        return elected(replica, liveMembers(state.isr(), live), state, live, controllerEpoch);
      }
    }
    for (int replica : replicas) {
      if (live.containsKey(replica)) {
        return elected(replica, List.of(replica), state, live, controllerEpoch);
      }
    }
    return refused(
        Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
        "no replica of partition " + partition + " is live (replicas " + replicas + ")");
  }

  private static Decision elected(
      int leader,
      List<Integer> isr,
      PartitionState state,
      Map<Integer, Long> live,
      int controllerEpoch) {
    PartitionState next =
        new PartitionState(leader, state.leaderEpoch() + 1, isr, controllerEpoch, live.get(leader));
    return new Decision(Outcome.elected(next), next);
  }

  private static Decision refused(Errors error, String message) {
    return new Decision(Outcome.refused(error, message), null);
  }

  private static List<Integer> liveMembers(List<Integer> isr, Map<Integer, Long> live) {
    List<Integer> members = new ArrayList<>();
    for (int member : isr) {
      if (live.containsKey(member)) {
        members.add(member);
      }
    }
    return members;
  }
}
