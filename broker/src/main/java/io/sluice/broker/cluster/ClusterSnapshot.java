package io.sluice.broker.cluster;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's state at one moment, as this broker's {@link ClusterCache} last read it from
 * ZooKeeper: live brokers, the controller, topics with their partition states and configuration
 * overrides, and topics waiting for deletion. Immutable; a new snapshot replaces the old one whole
 * after every change.
 */
public final class ClusterSnapshot {
  static final ClusterSnapshot EMPTY =
      new ClusterSnapshot(0, Map.of(), -1, Map.of(), Set.of(), Map.of());

  private final long generation;
  private final Map<Integer, BrokerInfo> brokers;
  private final int controllerId;
  private final Map<String, TopicInfo> topics;
  private final Set<String> deleting;
  private final Map<String, Map<String, String>> topicConfigs;

  ClusterSnapshot(
      long generation,
      Map<Integer, BrokerInfo> brokers,
      int controllerId,
      Map<String, TopicInfo> topics,
      Set<String> deleting,
      Map<String, Map<String, String>> topicConfigs) {
    this.generation = generation;
    this.brokers = Collections.unmodifiableMap(new TreeMap<>(brokers));
    this.controllerId = controllerId;
    this.topics = Collections.unmodifiableMap(new TreeMap<>(topics));
    this.deleting = Collections.unmodifiableSet(new TreeSet<>(deleting));
    Map<String, Map<String, String>> configs = new TreeMap<>();
    topicConfigs.forEach((topic, overrides) -> configs.put(topic, Map.copyOf(overrides)));
    this.topicConfigs = Collections.unmodifiableMap(configs);
  }

  /** Grows with every snapshot a cache publishes: tells a newer snapshot from an older one. */
  public long generation() {
    return generation;
  }

  /** Live (registered) brokers by id, in id order. */
  public Map<Integer, BrokerInfo> brokers() {
    return brokers;
  }

  /** The elected controller's broker id, or -1 if there is none. */
  public int controllerId() {
    return controllerId;
  }

  /** Every topic with an assignment, by name in order (including ones being deleted). */
  public Map<String, TopicInfo> topics() {
    return topics;
  }

  /** Topics with a pending deletion request. */
  public Set<String> deleting() {
    return deleting;
  }

  /**
   * The topic's configuration overrides from {@code /config/topics/{t}}, or null when that znode
   * does not exist (a topic made before Sluice stored them there has none: no overrides).
   */
  public Map<String, String> topicConfig(String topic) {
    return topicConfigs.get(topic);
  }

  /** The topic, or null if it does not exist or is being deleted. */
  public TopicInfo topic(String name) {
    return deleting.contains(name) ? null : topics.get(name);
  }

  /** Partitions assigned to each broker (brokers with none are absent). */
  public Map<Integer, Integer> assignedCounts() {
    Map<Integer, Integer> counts = new HashMap<>();
    for (TopicInfo topic : topics.values()) {
      for (int p = 0; p < topic.partitionCount(); p++) {
        counts.merge(topic.replicas().get(p).get(0), 1, Integer::sum);
      }
    }
    return counts;
  }

  @Override
  public String toString() {
    return "ClusterSnapshot{generation="
        + generation
        + ", brokers="
        + brokers.keySet()
        + ", controller="
        + controllerId
        + ", topics="
        + topics.keySet()
        + ", deleting="
        + deleting
        + "}";
  }
}
