package io.sluice.broker.handler;

import io.sluice.broker.group.CommittedOffsets;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Returns a group's committed offsets: the asked partitions (-1 for those never committed), or all
 * of them when the topic list is null. One group per request (v8+ batches groups; not advertised).
 */
final class OffsetFetchHandler extends VersionedHandler {
  private final OffsetStore offsets;
  private final GroupOwnership owned;

  OffsetFetchHandler(OffsetStore offsets, GroupOwnership owned) {
    super(ApiKey.OFFSET_FETCH, 1, 7);
    this.offsets = offsets;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    OffsetFetchRequest req = OffsetFetchRequest.read(request.reader(), version);
    Errors notOwned = owned.check(req.groupId());
    if (notOwned != Errors.NONE) {
      responder.respond(refused(req, notOwned), version);
      return;
    }
    Map<TopicPartition, CommittedOffsets.Committed> committed = offsets.committed(req.groupId());
    Map<String, List<Integer>> asked = new TreeMap<>();
    if (req.topics() == null) {
      for (TopicPartition tp : committed.keySet()) {
        asked.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
      }
    } else {
      for (OffsetFetchRequest.OffsetFetchRequestTopic topic : req.topics()) {
        asked
            .computeIfAbsent(topic.name(), t -> new ArrayList<>())
            .addAll(topic.partitionIndexes());
      }
    }
    OffsetFetchResponse response = new OffsetFetchResponse().setErrorCode(Errors.NONE.code());
    for (Map.Entry<String, List<Integer>> topic : asked.entrySet()) {
      OffsetFetchResponse.OffsetFetchResponseTopic topicOut =
          new OffsetFetchResponse.OffsetFetchResponseTopic().setName(topic.getKey());
      boolean validName = TopicNames.isValid(topic.getKey());
      for (int partition : topic.getValue()) {
        if (!validName || partition < 0) {
          topicOut
              .partitions()
              .add(
                  new OffsetFetchResponse.OffsetFetchResponsePartition()
                      .setPartitionIndex(partition)
                      .setCommittedOffset(-1)
                      .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
          continue;
        }
        CommittedOffsets.Committed c = committed.get(new TopicPartition(topic.getKey(), partition));
        topicOut
            .partitions()
            .add(
                new OffsetFetchResponse.OffsetFetchResponsePartition()
                    .setPartitionIndex(partition)
                    .setCommittedOffset(c == null ? -1 : c.offset())
                    .setCommittedLeaderEpoch(c == null ? -1 : c.leaderEpoch())
                    .setMetadata(c == null ? "" : c.metadata())
                    .setErrorCode(Errors.NONE.code()));
      }
      response.topics().add(topicOut);
    }
    responder.respond(response, version);
  }

  /**
   * {@code error} ({@code NOT_COORDINATOR}, {@code COORDINATOR_LOAD_IN_PROGRESS}) at the top (v2
   * and later read it there) and on every partition asked for (v1 reads it only there).
   */
  private static OffsetFetchResponse refused(OffsetFetchRequest req, Errors error) {
    OffsetFetchResponse response = new OffsetFetchResponse().setErrorCode(error.code());
    if (req.topics() != null) {
      for (OffsetFetchRequest.OffsetFetchRequestTopic topic : req.topics()) {
        OffsetFetchResponse.OffsetFetchResponseTopic topicOut =
            new OffsetFetchResponse.OffsetFetchResponseTopic().setName(topic.name());
        for (int partition : topic.partitionIndexes()) {
          topicOut
              .partitions()
              .add(
                  new OffsetFetchResponse.OffsetFetchResponsePartition()
                      .setPartitionIndex(partition)
                      .setCommittedOffset(-1)
                      .setMetadata("")
                      .setErrorCode(error.code()));
        }
        response.topics().add(topicOut);
      }
    }
    return response;
  }
}
