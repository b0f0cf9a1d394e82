package io.sluice.broker.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One partition's replicas as {@code /brokers/topics/{t}} records them, with Kafka's reassignment
 * fields (KIP-455): while a reassignment is in progress, {@code replicas} is the full replica set
 * (the target replicas followed by the original ones not in the target), {@code adding} the target
 * replicas that were not original replicas, {@code removing} the original replicas that are not
 * target replicas. Without a reassignment both are empty. Immutable.
 *
 * <p>Invariants: {@code adding} and {@code removing} are disjoint subsets of {@code replicas};
 * {@link #origin} is {@code replicas - adding}, {@link #target} is {@code replicas - removing}.
 */
public record PartitionAssignment(
    List<Integer> replicas, List<Integer> adding, List<Integer> removing) {
  public PartitionAssignment {
    replicas = List.copyOf(replicas);
    adding = List.copyOf(adding);
    removing = List.copyOf(removing);
  }

  /** A partition with these replicas and no reassignment. */
  static PartitionAssignment of(List<Integer> replicas) {
    return new PartitionAssignment(replicas, List.of(), List.of());
  }

  /** Whether a reassignment is in progress. */
  public boolean reassigning() {
    return !adding.isEmpty() || !removing.isEmpty();
  }

  /** The replicas before the reassignment (all of them when none is in progress). */
  public List<Integer> origin() {
    return minus(replicas, adding);
  }

  /** The replicas the reassignment moves to (all of them when none is in progress). */
  public List<Integer> target() {
    return minus(replicas, removing);
  }

  /**
   * The assignment that reassigns this partition to {@code target}, as Kafka computes it: the
   * original replicas stay the origin (a reassignment that replaces one in progress starts from the
   * same origin), the full set is the target followed by the original replicas not in it. A target
   * equal to the origin (in any order) is no reassignment: the replicas become the target at once.
   */
  PartitionAssignment reassignTo(List<Integer> target) {
    List<Integer> origin = origin();
    LinkedHashSet<Integer> full = new LinkedHashSet<>(target);
    full.addAll(origin);
    List<Integer> all = List.copyOf(full);
    return new PartitionAssignment(all, minus(all, origin), minus(all, target));
  }

  /** The assignment once the reassignment is done: the target, nothing adding or removing. */
  PartitionAssignment completed() {
    return of(target());
  }

  private static List<Integer> minus(List<Integer> from, List<Integer> without) {
    List<Integer> out = new ArrayList<>(from);
    out.removeAll(without);
    return List.copyOf(out);
  }
}
