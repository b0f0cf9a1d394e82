package io.sluice.broker.cluster;

import io.sluice.broker.group.OffsetsTopic;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker's logs follow the cluster state: a partition assigned to this broker gets its
 * log (empty if new), a topic deleted from the cluster, or replaced by a new topic of the same name
 * (a different {@link TopicInfo#id}), loses its local logs.
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
      }
    }
    for (Map.Entry<String, TopicInfo> entry : snapshot.topics().entrySet()) {
      String topic = entry.getKey();
      TopicInfo info = entry.getValue();
      if (snapshot.deleting().contains(topic)) {
        continue;
      }
      for (int p = 0; p < info.partitionCount(); p++) {
        if (info.replicas().get(p).contains(brokerId)) {
          TopicPartition tp = new TopicPartition(topic, p);
          if (OffsetsTopic.NAME.equals(topic)) {
            logs.createLog(tp, OffsetsTopic.CONFIGS); // compacted on every replica, as in Kafka
          } else {
            logs.createLog(tp);
          }
          adopted.put(topic, info.id());
        }
      }
    }
  }
}
