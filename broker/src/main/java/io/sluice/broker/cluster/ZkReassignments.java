package io.sluice.broker.cluster;

import io.sluice.broker.metadata.TopicAdmin.OngoingReassignment;
import io.sluice.broker.metadata.TopicAdmin.ReassignmentOutcome;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request side of partition reassignment (Kafka's AlterPartitionReassignments and
 * ListPartitionReassignments) in cluster mode.
 *
 * <p>Any broker records a reassignment, as any broker creates topics: it validates the request
 * against its view of the cluster and writes the topic's assignment {@code /brokers/topics/{t}}
 * with the full replica set, {@code adding_replicas} and {@code removing_replicas} (Kafka's
 * ZooKeeper-era fields, computed as Kafka computes them, see {@link
 * PartitionAssignment#reassignTo}), conditionally on the znode's version (on a conflict it reads
 * again and applies the request to what is there). From then on the brokers and the controller act
 * on the assignment: the new replicas create their logs and fetch from the leader, which adds them
 * to the ISR once caught up; the controller completes the reassignment ({@link ReassignmentStep}).
 * A cancellation writes the original replicas back; the controller removes the dropped replicas
 * from the ISR.
 *
 * <p>Errors, as Kafka's controller answers them: {@code INVALID_REPLICA_ASSIGNMENT} for an empty
 * target, duplicate or negative ids, or a new replica on a broker that is not registered; {@code
 * INVALID_REPLICATION_FACTOR} for a change of the replica count that the request does not allow;
 * {@code UNKNOWN_TOPIC_OR_PARTITION} for a partition that does not exist (or a topic being
 * deleted); {@code NO_REASSIGNMENT_IN_PROGRESS} for cancelling nothing. Blocking (ZooKeeper round
 * trips); called on the broker's admin thread. Thread-safe.
 */
final class ZkReassignments {
  private static final Logger log = LoggerFactory.getLogger(ZkReassignments.class);
  private static final int ATTEMPTS = 10;

  private final ZkCluster cluster;
  private final CuratorFramework client;

  ZkReassignments(ZkCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
  }

  /**
   * Records the reassignments of {@code topic}'s partitions (null target: cancel) and waits up to
   * {@code timeoutMs} until this broker's cluster view shows them.
   *
   * @return each requested partition's outcome
   * @throws io.sluice.protocol.SluiceException {@code NOT_CONTROLLER} when ZooKeeper cannot be
   *     reached (clients retry)
   */
  Map<Integer, ReassignmentOutcome> reassign(
      String topic, Map<Integer, List<Integer>> targets, boolean allowRfChange, long timeoutMs) {
    cluster.requireWritable("partitions cannot be reassigned");
    String path = ZkPaths.topic(topic);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Map<Integer, ReassignmentOutcome> outcomes = new TreeMap<>();
      ClusterSnapshot snapshot = cluster.snapshot();
      Stat stat = new Stat();
      List<PartitionAssignment> current;
      try {
        current =
            snapshot.deleting().contains(topic)
                ? null
                : ZkJson.assignments(topic, client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        current = null;
      } catch (Exception e) {
        throw cluster.zooKeeperFailureException("reassign the partitions of '" + topic + "'", e);
      }
      List<PartitionAssignment> next = current == null ? null : new ArrayList<>(current);
      for (Map.Entry<Integer, List<Integer>> e : targets.entrySet()) {
        outcomes.put(
            e.getKey(),
            apply(
                topic, next, e.getKey(), e.getValue(), snapshot.brokers().keySet(), allowRfChange));
      }
      if (next == null || next.equals(current)) {
        return outcomes;
      }
      try {
        client.setData().withVersion(stat.getVersion()).forPath(path, ZkJson.assignments(next));
      } catch (KeeperException.BadVersionException e) {
        log.debug("topic {}: assignment changed under the reassignment; reading again", topic);
        continue;
      } catch (KeeperException.NoNodeException e) {
        continue; // deleted meanwhile: the next attempt answers UNKNOWN_TOPIC_OR_PARTITION
      } catch (Exception e) {
        throw cluster.zooKeeperFailureException("reassign the partitions of '" + topic + "'", e);
      }
      for (int p = 0; p < next.size(); p++) {
        if (!next.get(p).equals(current.get(p))) {
          log.info(
              "{}-{}: replicas {} -> {} (adding {}, removing {})",
              topic,
              p,
              current.get(p).replicas(),
              next.get(p).replicas(),
              next.get(p).adding(),
              next.get(p).removing());
        }
      }
      List<PartitionAssignment> written = List.copyOf(next);
      cluster.awaitSnapshot(s -> shows(s, topic, written), timeoutMs);
      return outcomes;
    }
    throw cluster.zooKeeperFailureException(
        "reassign the partitions of '" + topic + "'",
        new IllegalStateException("its assignment kept changing"));
  }

  /** Applies one partition's request to {@code next} (null: no such topic); its outcome. */
  private static ReassignmentOutcome apply(
      String topic,
      List<PartitionAssignment> next,
      int partition,
      List<Integer> target,
      Set<Integer> live,
      boolean allowRfChange) {
    if (target != null) {
      ReassignmentOutcome invalid = ReassignmentOutcome.checkTarget(target);
      if (invalid != null) {
        return invalid;
      }
    }
    if (next == null || partition < 0 || partition >= next.size()) {
      return target == null
          ? new ReassignmentOutcome(
              Errors.NO_REASSIGNMENT_IN_PROGRESS, "No partition reassignment is in progress.")
          : new ReassignmentOutcome(
              Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist.");
    }
    PartitionAssignment current = next.get(partition);
    if (target == null) {
      if (!current.reassigning()) {
        return new ReassignmentOutcome(
            Errors.NO_REASSIGNMENT_IN_PROGRESS,
            "No partition reassignment is in progress for " + topic + "-" + partition + ".");
      }
      next.set(partition, current.reassignTo(current.origin()));
      return ReassignmentOutcome.OK;
    }
    PartitionAssignment reassigned = current.reassignTo(target);
    if (!live.containsAll(reassigned.adding())) {
      return new ReassignmentOutcome(
          Errors.INVALID_REPLICA_ASSIGNMENT,
          "Replica assignment has brokers that are not alive. Replica list: "
              + reassigned.adding()
              + ", live broker list: "
              + live);
    }
    if (!allowRfChange && target.size() != current.origin().size()) {
      return new ReassignmentOutcome(
          Errors.INVALID_REPLICATION_FACTOR,
          "The replication factor is changed from "
              + current.origin().size()
              + " to "
              + target.size()
              + " but allowReplicationFactorChange is false.");
    }
    next.set(partition, reassigned);
    return ReassignmentOutcome.OK;
  }

  /**
   * Whether {@code snapshot} shows {@code written} for {@code topic}, or has moved past it (a
   * partition whose reassignment the controller completed already shows its target).
   */
  private static boolean shows(
      ClusterSnapshot snapshot, String topic, List<PartitionAssignment> written) {
    TopicInfo info = snapshot.topic(topic);
    if (info == null || info.partitionCount() != written.size()) {
      return info == null; // deleted meanwhile: nothing more to wait for
    }
    for (int p = 0; p < written.size(); p++) {
      PartitionAssignment shown =
          info.reassignments().getOrDefault(p, PartitionAssignment.of(info.replicas().get(p)));
      PartitionAssignment want = written.get(p);
      if (!shown.equals(want) && !shown.equals(want.completed())) {
        return false;
      }
    }
    return true;
  }

  /** The reassignments in progress in this broker's view of the cluster. */
  Map<String, Map<Integer, OngoingReassignment>> ongoing() {
    ClusterSnapshot snapshot = cluster.snapshot();
    Map<String, Map<Integer, OngoingReassignment>> out = new LinkedHashMap<>();
    snapshot
        .topics()
        .forEach(
            (topic, info) -> {
              if (snapshot.deleting().contains(topic) || info.reassignments().isEmpty()) {
                return;
              }
              Map<Integer, OngoingReassignment> partitions = new TreeMap<>();
              info.reassignments()
                  .forEach(
                      (p, a) ->
                          partitions.put(
                              p, new OngoingReassignment(a.replicas(), a.adding(), a.removing())));
              out.put(topic, partitions);
            });
    return out;
  }
}
