package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.Log;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch (API 23), on the leader: where a leader epoch ends in the leader's log
 * (KIP-101). A follower that has just learned of a new leader asks where its own latest epoch ends
 * and truncates there; if the leader answers with an older epoch, the follower truncates to where
 * that epoch ends in both logs (KIP-279). The answer is the largest epoch at or below the one asked
 * for and the first offset of the next epoch, or the log end for the current epoch; {@code -1, -1}
 * when the leader knows no epoch that old. The current leader epoch in the request is checked
 * ({@code FENCED_LEADER_EPOCH}, {@code UNKNOWN_LEADER_EPOCH}). Consumers (replica id -1) use it to
 * validate their position after a leader change; they get the same answer.
 */
final class OffsetForLeaderEpochHandler extends VersionedHandler {
  private static final int CONSUMER_REPLICA_ID = -1;

  private final LeaderLogs logs;
  private final Authorization authorization;

  OffsetForLeaderEpochHandler(LeaderLogs logs, Authorization authorization) {
    super(ApiKey.OFFSET_FOR_LEADER_EPOCH, 2, 4);
    this.logs = logs;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    OffsetForLeaderEpochRequest req = OffsetForLeaderEpochRequest.read(request.reader(), version);
    OffsetForLeaderEpochResponse response = new OffsetForLeaderEpochResponse();
    // A replica (any id but the consumer's) needs CLUSTER_ACTION, as in Kafka.
    boolean replicaRefused =
        req.replicaId() != CONSUMER_REPLICA_ID
            && !authorization.cluster(request, AclOperation.CLUSTER_ACTION);
    for (OffsetForLeaderEpochRequest.OffsetForLeaderTopic topic : req.topics()) {
      OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult topicOut =
          new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult().setTopic(topic.topic());
      Errors refused =
          replicaRefused
              ? Errors.CLUSTER_AUTHORIZATION_FAILED
              : req.replicaId() == CONSUMER_REPLICA_ID
                      && !authorization.topic(request, AclOperation.DESCRIBE, topic.topic())
                  ? Errors.TOPIC_AUTHORIZATION_FAILED
                  : Errors.NONE;
      for (OffsetForLeaderEpochRequest.OffsetForLeaderPartition partition : topic.partitions()) {
        topicOut
            .partitions()
            .add(
                refused == Errors.NONE
                    ? answer(topic.topic(), partition)
                    : new OffsetForLeaderEpochResponse.EpochEndOffset()
                        .setPartition(partition.partition())
                        .setLeaderEpoch(-1)
                        .setEndOffset(-1)
                        .setErrorCode(refused.code()));
      }
      response.topics().add(topicOut);
    }
    responder.respond(response, version);
  }

  private OffsetForLeaderEpochResponse.EpochEndOffset answer(
      String topic, OffsetForLeaderEpochRequest.OffsetForLeaderPartition partition) {
    OffsetForLeaderEpochResponse.EpochEndOffset out =
        new OffsetForLeaderEpochResponse.EpochEndOffset()
            .setPartition(partition.partition())
            .setLeaderEpoch(-1)
            .setEndOffset(-1);
    Log log = logs.log(topic, partition.partition()).orElse(null);
    if (log == null) {
      return out.setErrorCode(logs.whyNoLog(topic, partition.partition()).code());
    }
    Errors epoch =
        logs.checkLeaderEpoch(topic, partition.partition(), partition.currentLeaderEpoch());
    if (epoch != Errors.NONE) {
      return out.setErrorCode(epoch.code());
    }
    if (partition.leaderEpoch() == log.leaderEpoch()) {
      // The current epoch ends at the log end, even if this leader has written nothing in it.
      return out.setLeaderEpoch(log.leaderEpoch()).setEndOffset(log.logEndOffset());
    }
    long[] found = log.endOffsetForEpoch(partition.leaderEpoch());
    return out.setLeaderEpoch((int) found[0]).setEndOffset(found[1]);
  }
}
