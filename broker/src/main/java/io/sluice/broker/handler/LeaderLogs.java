package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.PartitionState;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import java.util.Optional;

/**
 * The local logs of the partitions this broker leads, for the data-path handlers (Produce, Fetch,
 * ListOffsets): the metadata view decides whether a partition exists and who leads it, the log
 * manager holds the bytes. Holds no state of its own; thread-safe because both are.
 */
final class LeaderLogs {
  private final ClusterMetadata metadata;
  private final LogManager logs;

  LeaderLogs(ClusterMetadata metadata, LogManager logs) {
    this.metadata = metadata;
    this.logs = logs;
  }

  /**
   * The log of a partition named by a client if it exists and this broker leads it, else empty
   * (including names and partition numbers that cannot exist: the lookup never throws on client
   * input). A topic being deleted may still be listed while its logs are gone: empty too.
   */
  Optional<Log> log(String topic, int partition) {
    Optional<PartitionState> state = metadata.partition(topic, partition);
    if (state.isEmpty() || state.get().leader() != metadata.localNodeId()) {
      return Optional.empty();
    }
    return logs.log(new TopicPartition(topic, partition));
  }

  /**
   * Why {@link #log} gave nothing: {@code NOT_LEADER_OR_FOLLOWER} if another broker leads the
   * partition (the client refreshes its metadata and goes there), {@code LEADER_NOT_AVAILABLE} if
   * nobody leads it right now, else {@code UNKNOWN_TOPIC_OR_PARTITION}.
   */
  Errors whyNoLog(String topic, int partition) {
    Optional<PartitionState> state = metadata.partition(topic, partition);
    if (state.isEmpty()) {
      return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    int leader = state.get().leader();
    if (leader < 0) {
      return Errors.LEADER_NOT_AVAILABLE;
    }
    return leader == metadata.localNodeId()
        ? Errors.UNKNOWN_TOPIC_OR_PARTITION
        : Errors.NOT_LEADER_OR_FOLLOWER;
  }

  /**
   * Checks the leader epoch a client or follower believes current (-1: no check): {@code
   * FENCED_LEADER_EPOCH} if it is older than this broker's, {@code UNKNOWN_LEADER_EPOCH} if newer
   * (this broker has not seen it yet), else {@code NONE}.
   */
  Errors checkLeaderEpoch(String topic, int partition, int currentLeaderEpoch) {
    if (currentLeaderEpoch < 0) {
      return Errors.NONE;
    }
    int epoch = leaderEpoch(topic, partition);
    if (currentLeaderEpoch < epoch) {
      return Errors.FENCED_LEADER_EPOCH;
    }
    return currentLeaderEpoch > epoch ? Errors.UNKNOWN_LEADER_EPOCH : Errors.NONE;
  }

  /** The partition's current leader epoch, -1 if it does not exist. */
  int leaderEpoch(String topic, int partition) {
    return metadata.partition(topic, partition).map(PartitionState::leaderEpoch).orElse(-1);
  }
}
