package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Looks up the earliest or latest offset of partitions with ListOffsets, asking each partition's
 * leader. Thread-safe (stateless over thread-safe collaborators).
 */
public final class OffsetLookup {
  /** ListOffsets' special timestamp for the log start offset. */
  public static final long EARLIEST = -2L;

  /** ListOffsets' special timestamp for the log end offset. */
  public static final long LATEST = -1L;

  private final NodeConnections connections;
  private final MetadataCache metadata;

  public OffsetLookup(NodeConnections connections, MetadataCache metadata) {
    this.connections = connections;
    this.metadata = metadata;
  }

  /**
   * The offset at {@code timestamp} ({@link #EARLIEST} or {@link #LATEST}) of every partition.
   *
   * @throws SluiceClientException naming the partition, when the broker refuses one
   */
  public Map<TopicPartition, Long> offsets(
      Collection<TopicPartition> partitions, long timestamp, long timeoutMs, long backoffMs) {
    Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
    for (TopicPartition tp : partitions) {
      TopicInfo info = metadata.await(tp.topic(), false, timeoutMs, backoffMs);
      if (tp.partition() >= info.partitionCount()) {
        throw new SluiceClientException(
            Errors.UNKNOWN_TOPIC_OR_PARTITION,
            tp,
            "partition " + tp + " does not exist (topic has " + info.partitionCount() + ")",
            false,
            null);
      }
      byLeader.computeIfAbsent(info.leader(tp.partition()), k -> new ArrayList<>()).add(tp);
    }
    List<CompletableFuture<Map<TopicPartition, Long>>> answers = new ArrayList<>();
    byLeader.forEach((leader, list) -> answers.add(ask(leader, list, timestamp)));
    Map<TopicPartition, Long> result = new LinkedHashMap<>();
    for (CompletableFuture<Map<TopicPartition, Long>> answer : answers) {
      result.putAll(Await.get(answer, timeoutMs));
    }
    return result;
  }

  private CompletableFuture<Map<TopicPartition, Long>> ask(
      int leader, List<TopicPartition> partitions, long timestamp) {
    Map<String, List<ListOffsetsRequest.ListOffsetsPartition>> byTopic = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      byTopic
          .computeIfAbsent(tp.topic(), k -> new ArrayList<>())
          .add(
              new ListOffsetsRequest.ListOffsetsPartition()
                  .setPartitionIndex(tp.partition())
                  .setTimestamp(timestamp));
    }
    List<ListOffsetsRequest.ListOffsetsTopic> topics = new ArrayList<>();
    byTopic.forEach(
        (name, list) ->
            topics.add(
                new ListOffsetsRequest.ListOffsetsTopic().setName(name).setPartitions(list)));
    ListOffsetsRequest request = new ListOffsetsRequest().setReplicaId(-1).setTopics(topics);
    return connections
        .connection(leader)
        .thenCompose(
            connection -> {
              short version = connection.requireVersion(ApiKey.LIST_OFFSETS);
              if (version >= 10) {
                request.setTimeoutMs((int) connections.requestTimeoutMs());
              }
              return connection.send(
                  ApiKey.LIST_OFFSETS, version, request, r -> ListOffsetsResponse.read(r, version));
            })
        .thenApply(OffsetLookup::toOffsets);
  }

  private static Map<TopicPartition, Long> toOffsets(ListOffsetsResponse response) {
    Map<TopicPartition, Long> result = new HashMap<>();
    for (ListOffsetsResponse.ListOffsetsTopicResponse t : response.topics()) {
      for (ListOffsetsResponse.ListOffsetsPartitionResponse p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        Errors error = Errors.forCode(p.errorCode());
        if (error != Errors.NONE) {
          throw new SluiceClientException(
              error, tp, "listing offsets of " + tp + " failed: " + error);
        }
        result.put(tp, p.offset());
      }
    }
    return result;
  }
}
