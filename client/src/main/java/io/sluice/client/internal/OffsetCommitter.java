package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Commits and looks up a group's offsets at the group coordinator (found with FindCoordinator).
 * Commits carry the member's generation and id while the consumer is in a group (the coordinator
 * rejects others then); outside one they are "simple" commits, generation -1 and an empty member
 * id, as Kafka's consumer sends for {@code assign()}ed partitions.
 *
 * <p>Thread-safe: the member identity is volatile; {@link CoordinatorLookup} caches the
 * coordinator.
 */
final class OffsetCommitter {
  private final String groupId;
  private final CoordinatorLookup coordinator;
  private volatile Identity identity = new Identity(-1, "", null);

  private record Identity(int generationId, String memberId, String groupInstanceId) {}

  OffsetCommitter(NodeConnections connections, String groupId) {
    this.groupId = groupId;
    this.coordinator = new CoordinatorLookup(connections, groupId);
  }

  /** The member identity commits carry from now on (set by group membership). */
  void identity(int generationId, String memberId, String groupInstanceId) {
    identity = new Identity(generationId, memberId, groupInstanceId);
  }

  CompletableFuture<Void> commit(Map<TopicPartition, Long> offsets) {
    Identity member = identity;
    Map<String, List<OffsetCommitRequest.OffsetCommitRequestPartition>> byTopic =
        new LinkedHashMap<>();
    offsets.forEach(
        (tp, offset) ->
            byTopic
                .computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                .add(
                    new OffsetCommitRequest.OffsetCommitRequestPartition()
                        .setPartitionIndex(tp.partition())
                        .setCommittedOffset(offset)
                        .setCommittedMetadata("")));
    List<OffsetCommitRequest.OffsetCommitRequestTopic> topics = new ArrayList<>();
    byTopic.forEach(
        (name, list) ->
            topics.add(
                new OffsetCommitRequest.OffsetCommitRequestTopic()
                    .setName(name)
                    .setPartitions(list)));
    OffsetCommitRequest request =
        new OffsetCommitRequest()
            .setGroupId(groupId)
            .setGenerationIdOrMemberEpoch(member.generationId())
            .setMemberId(member.memberId())
            .setGroupInstanceId(member.groupInstanceId())
            .setTopics(topics);
    return coordinator
        .send(ApiKey.OFFSET_COMMIT, request, OffsetCommitResponse::read)
        .thenAccept(
            response -> {
              for (OffsetCommitResponse.OffsetCommitResponseTopic t : response.topics()) {
                for (OffsetCommitResponse.OffsetCommitResponsePartition p : t.partitions()) {
                  check(
                      Errors.forCode(p.errorCode()),
                      new TopicPartition(t.name(), p.partitionIndex()),
                      "commit");
                }
              }
            });
  }

  /** Committed offsets; partitions without one are left out. */
  CompletableFuture<Map<TopicPartition, Long>> committed(Collection<TopicPartition> partitions) {
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
    }
    List<OffsetFetchRequest.OffsetFetchRequestTopic> topics = new ArrayList<>();
    byTopic.forEach(
        (name, list) ->
            topics.add(
                new OffsetFetchRequest.OffsetFetchRequestTopic()
                    .setName(name)
                    .setPartitionIndexes(list)));
    OffsetFetchRequest request = new OffsetFetchRequest().setGroupId(groupId).setTopics(topics);
    return coordinator
        .send(ApiKey.OFFSET_FETCH, request, OffsetFetchResponse::read)
        .thenApply(
            response -> {
              check(Errors.forCode(response.errorCode()), null, "fetch committed offsets of");
              Map<TopicPartition, Long> result = new HashMap<>();
              for (OffsetFetchResponse.OffsetFetchResponseTopic t : response.topics()) {
                for (OffsetFetchResponse.OffsetFetchResponsePartition p : t.partitions()) {
                  TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                  check(Errors.forCode(p.errorCode()), tp, "fetch committed offsets of");
                  if (p.committedOffset() >= 0) {
                    result.put(tp, p.committedOffset());
                  }
                }
              }
              return result;
            });
  }

  private void check(Errors error, TopicPartition tp, String verb) {
    if (error == Errors.NONE) {
      return;
    }
    if (error == Errors.NOT_COORDINATOR || error == Errors.COORDINATOR_NOT_AVAILABLE) {
      coordinator.reset();
    }
    throw new SluiceClientException(
        error,
        tp,
        "cannot "
            + verb
            + " group '"
            + groupId
            + "'"
            + (tp == null ? "" : " for " + tp)
            + ": "
            + error);
  }
}
