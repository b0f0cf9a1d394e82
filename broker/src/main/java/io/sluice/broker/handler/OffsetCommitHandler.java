package io.sluice.broker.handler;

import io.sluice.broker.group.CommittedOffsets;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * Stores committed offsets once the group coordinator has checked the commit: a member's commit
 * must name the group's current generation, and a commit without membership (generation -1 and no
 * member id, as {@code assign()} consumers send) is accepted only for a group with no members, as
 * in Kafka. Answered once the commit is durable (in a cluster: once the offsets topic's in-sync
 * replicas have it).
 */
final class OffsetCommitHandler extends VersionedHandler {
  /** Kafka's default {@code offset.metadata.max.bytes}. */
  static final int MAX_METADATA_LENGTH = 4096;

  private final OffsetStore offsets;
  private final GroupCoordinator groups;
  private final GroupOwnership owned;

  OffsetCommitHandler(OffsetStore offsets, GroupCoordinator groups, GroupOwnership owned) {
    // v10 addresses topics by id, which this broker does not track yet.
    super(ApiKey.OFFSET_COMMIT, 2, 9);
    this.offsets = offsets;
    this.groups = groups;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    OffsetCommitRequest req = OffsetCommitRequest.read(request.reader(), version);
    Errors requestError = owned.check(req.groupId());
    if (requestError == Errors.NONE) {
      requestError =
          groups.validateOffsetCommit(
              req.groupId(),
              req.memberId(),
              req.groupInstanceId(),
              req.generationIdOrMemberEpoch());
    }
    OffsetCommitResponse response = new OffsetCommitResponse();
    Map<TopicPartition, CommittedOffsets.Committed> accepted = new HashMap<>();
    for (OffsetCommitRequest.OffsetCommitRequestTopic topic : req.topics()) {
      OffsetCommitResponse.OffsetCommitResponseTopic topicOut =
          new OffsetCommitResponse.OffsetCommitResponseTopic().setName(topic.name());
      for (OffsetCommitRequest.OffsetCommitRequestPartition partition : topic.partitions()) {
        Errors error = requestError;
        String metadata = partition.committedMetadata();
        if (error == Errors.NONE && metadata != null && metadata.length() > MAX_METADATA_LENGTH) {
          error = Errors.OFFSET_METADATA_TOO_LARGE;
        } else if (error == Errors.NONE
            && (partition.partitionIndex() < 0 || !TopicNames.isValid(topic.name()))) {
          error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (error == Errors.NONE) {
          accepted.put(
              new TopicPartition(topic.name(), partition.partitionIndex()),
              new CommittedOffsets.Committed(
                  partition.committedOffset(), partition.committedLeaderEpoch(), metadata));
        }
        topicOut
            .partitions()
            .add(
                new OffsetCommitResponse.OffsetCommitResponsePartition()
                    .setPartitionIndex(partition.partitionIndex())
                    .setErrorCode(error.code()));
      }
      response.topics().add(topicOut);
    }
    if (accepted.isEmpty()) {
      responder.respond(response, version);
      return;
    }
    offsets
        .commit(req.groupId(), accepted)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                Errors failed = GroupOwnership.errorOf(error, Errors.COORDINATOR_NOT_AVAILABLE);
                for (OffsetCommitResponse.OffsetCommitResponseTopic topic : response.topics()) {
                  for (OffsetCommitResponse.OffsetCommitResponsePartition p : topic.partitions()) {
                    if (p.errorCode() == Errors.NONE.code()) {
                      p.setErrorCode(failed.code());
                    }
                  }
                }
              }
              responder.respond(response, version);
            });
  }
}
