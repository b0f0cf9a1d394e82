package io.sluice.broker.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Chooses the brokers of each partition of a new topic: its replicas, the first of which leads.
 *
 * <p>Brokers are put in rack-alternated order (Kafka's {@code getRackAlternatedBrokerList}: the
 * first broker of each rack, then the second of each, ...; brokers without a rack form one group),
 * then each partition goes to the broker with the fewest partitions so far, counting what it
 * already leads, scanning from just after the previous choice. So equal loads are filled round
 * robin and consecutive partitions land on different racks; an unevenly loaded cluster is evened
 * out first. Deterministic for the same input. Stateless.
 */
final class Placement {
  private Placement() {}

  /**
   * @param partitions how many partitions the topic gets
   * @param live the live brokers
   * @param load partitions each broker already holds (missing: 0)
   * @return the replica list of each partition, indexed by partition
   */
  static List<List<Integer>> assign(
      int partitions, Collection<BrokerInfo> live, Map<Integer, Integer> load) {
    return assign(partitions, 1, live, load);
  }

  /**
   * As {@link #assign(int, Collection, Map)}, with {@code replicationFactor} replicas per
   * partition: the first (the preferred leader) chosen as above, the others the next brokers after
   * it in the rack-alternated order, so that the replicas of a partition are on different brokers
   * and, when racks are set, on as many racks as there are.
   *
   * @throws IllegalArgumentException if there are fewer live brokers than replicas
   */
  static List<List<Integer>> assign(
      int partitions,
      int replicationFactor,
      Collection<BrokerInfo> live,
      Map<Integer, Integer> load) {
    if (live.isEmpty()) {
      throw new IllegalArgumentException("no live broker to place partitions on");
    }
    if (replicationFactor < 1 || replicationFactor > live.size()) {
      throw new IllegalArgumentException(
          "replication factor " + replicationFactor + " with " + live.size() + " live broker(s)");
    }
    List<Integer> order = rackAlternated(live);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int id : order) {
      counts.put(id, load.getOrDefault(id, 0));
    }
    List<List<Integer>> out = new ArrayList<>(partitions);
    int cursor = 0;
    for (int p = 0; p < partitions; p++) {
      int best = -1;
      for (int i = 0; i < order.size(); i++) {
        int index = (cursor + i) % order.size();
        if (best < 0 || counts.get(order.get(index)) < counts.get(order.get(best))) {
          best = index;
        }
      }
      int broker = order.get(best);
      counts.merge(broker, 1, Integer::sum);
      List<Integer> replicas = new ArrayList<>(replicationFactor);
      for (int r = 0; r < replicationFactor; r++) {
        replicas.add(order.get((best + r) % order.size()));
      }
      out.add(List.copyOf(replicas));
      cursor = best + 1;
    }
    return out;
  }

  /** Brokers by rack, interleaved: r1's first, r2's first, ..., r1's second, ... */
  static List<Integer> rackAlternated(Collection<BrokerInfo> live) {
    Map<String, List<Integer>> byRack = new TreeMap<>();
    for (BrokerInfo broker : live) {
      byRack
          .computeIfAbsent(Objects.requireNonNullElse(broker.rack(), ""), r -> new ArrayList<>())
          .add(broker.id());
    }
    byRack.values().forEach(ids -> ids.sort(Comparator.naturalOrder()));
    List<Integer> order = new ArrayList<>(live.size());
    for (int round = 0; order.size() < live.size(); round++) {
      for (List<Integer> ids : byRack.values()) {
        if (round < ids.size()) {
          order.add(ids.get(round));
        }
      }
    }
    return order;
  }
}
