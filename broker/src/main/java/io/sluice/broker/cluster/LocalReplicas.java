package io.sluice.broker.cluster;

import io.sluice.broker.group.OffsetsTopic;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicConfigKey;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker's logs follow the cluster state: a partition assigned to this broker gets its
 * log (empty if new) with the topic's configuration overrides from {@code /config/topics/{t}},
 * applied again to the live logs whenever they change; a topic deleted from the cluster, or
 * replaced by a new topic of the same name (a different {@link TopicInfo#id}), loses its local
 * logs.
 *
 * <p>Only changes seen while running delete anything. A local topic the cluster does not know at
 * start (deleted while this broker was down, or a {@code zookeeper.connect} pointing at the wrong
 * chroot) is left on disk and not served, with a warning: data is never deleted on a guess.
 *
 * <p>Thread safety: {@link #apply} runs on the cluster cache's thread only.
 */
final class LocalReplicas {
  private static final Logger log = LoggerFactory.getLogger(LocalReplicas.class);

  private final int brokerId;
  private final LogManager logs;

  /** Topics with local logs that this broker has seen in the cluster, with their ids. */
  private final Map<String, Long> adopted = new HashMap<>();

  /**
   * Partitions of adopted topics that the cluster assigned to this broker while it was running: the
   * ones whose logs go when a reassignment moves them away.
   */
  private final Set<TopicPartition> assigned = new HashSet<>();

  /** The stored configuration last warned about, by topic (to warn once per change). */
  private final Map<String, Map<String, String>> seenConfigs = new HashMap<>();

  private boolean first = true;

  LocalReplicas(int brokerId, LogManager logs) {
    this.brokerId = brokerId;
    this.logs = logs;
  }

  /** Brings the local logs in line with {@code snapshot}; throws on a storage failure. */
  void apply(ClusterSnapshot snapshot) {
    if (first) {
      first = false;
      Set<String> strays = new TreeSet<>(logs.topics());
      strays.removeAll(snapshot.topics().keySet());
      if (!strays.isEmpty()) {
        log.warn(
            "local topics {} are not in the cluster: left on disk, not served, not deleted",
            strays);
      }
    }
    for (Map.Entry<String, Long> entry : Map.copyOf(adopted).entrySet()) {
      String topic = entry.getKey();
      TopicInfo info = snapshot.topics().get(topic);
      if (info == null || snapshot.deleting().contains(topic) || info.id() != entry.getValue()) {
        log.info("broker {}: deleting local logs of topic {}", brokerId, topic);
        logs.deleteTopic(topic);
        adopted.remove(topic);
        assigned.removeIf(tp -> tp.topic().equals(topic));
      }
    }
    for (Map.Entry<String, TopicInfo> entry : snapshot.topics().entrySet()) {
      String topic = entry.getKey();
      TopicInfo info = entry.getValue();
      if (snapshot.deleting().contains(topic)) {
        continue;
      }
      Map<String, String> overrides = overrides(topic, snapshot.topicConfig(topic));
      if (OffsetsTopic.NAME.equals(topic)) {
        // Compacted on every replica, as in Kafka, whatever /config/topics holds for it (the
        // group coordinator creates it without a config znode).
        Map<String, String> merged = new TreeMap<>(overrides);
        merged.putAll(OffsetsTopic.CONFIGS);
        overrides = Map.copyOf(merged);
      }
      boolean local = false;
      for (int p = 0; p < info.partitionCount(); p++) {
        if (info.replicas().get(p).contains(brokerId)) {
          logs.createLog(new TopicPartition(topic, p), overrides);
          adopted.put(topic, info.id());
          assigned.add(new TopicPartition(topic, p));
          local = true;
        }
      }
      if (local && !logs.topicConfig(topic).equals(overrides)) {
        // Stored beside each local partition and applied to the live logs (Log.reconfigure).
        logs.alterTopicConfig(topic, overrides);
      }
    }
    seenConfigs.keySet().retainAll(snapshot.topics().keySet());
  }

  /**
   * Deletes the logs of partitions that were assigned to this broker while it ran and are not any
   * more (a reassignment moved them away, or a cancelled one had added them here). Called after the
   * replicas have stopped following them, so no fetcher writes to a log being deleted. A partition
   * moved away while this broker was down is left on disk and not served (it is never adopted).
   */
  void dropUnassigned(ClusterSnapshot snapshot) {
    for (TopicPartition tp : List.copyOf(assigned)) {
      TopicInfo info = snapshot.topics().get(tp.topic());
      if (info == null
          || !adopted.containsKey(tp.topic())
          || info.id() != adopted.get(tp.topic())
          || tp.partition() >= info.partitionCount()
          || info.replicas().get(tp.partition()).contains(brokerId)) {
        continue;
      }
      log.info("broker {}: {} is no longer assigned here; deleting its log", brokerId, tp);
      logs.deletePartition(tp);
      assigned.remove(tp);
    }
  }

  /**
   * The overrides to apply from a topic's {@code /config/topics/{t}} (none when it has no such
   * znode): the ones this broker accepts. Any other (written by another tool or version) is left
   * out with a warning, once per change of the znode.
   */
  private Map<String, String> overrides(String topic, Map<String, String> stored) {
    if (stored == null || stored.isEmpty()) {
      return Map.of();
    }
    Map<String, String> valid = new TreeMap<>();
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, String> e : stored.entrySet()) {
      try {
        TopicConfigKey.require(e.getKey()).validate(e.getValue());
        valid.put(e.getKey(), e.getValue());
      } catch (SluiceException ex) {
        refused.add(ex.getMessage());
      }
    }
    try {
      logs.config().withOverrides(valid); // the keys together (one key's bound on another)
    } catch (SluiceException ex) {
      refused.add(ex.getMessage());
      valid.clear();
    }
    if (!refused.isEmpty() && !stored.equals(seenConfigs.put(topic, stored))) {
      log.warn(
          "topic {}: ignoring stored configuration this broker does not accept: {}",
          topic,
          refused);
    }
    return Map.copyOf(valid);
  }
}
