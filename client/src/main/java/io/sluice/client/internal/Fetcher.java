package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.wire.ByteBufRecords;
import io.sluice.protocol.wire.Records;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Builds Fetch requests and turns answers into {@link FetchedPartition}s. On the I/O thread, while
 * the frame is alive, each partition's batches are checked (headers and CRC only, see {@link
 * CompletedFetch#receive}) and a slice of the frame covering them is retained; the frame itself is
 * released when the parser returns. Records are decoded later, on the application thread. Whoever
 * receives the list owns the retained bytes and must release each {@link CompletedFetch}.
 *
 * <p>Thread-safe (stateless over thread-safe collaborators).
 */
final class Fetcher {
  private final NodeConnections connections;
  private final int maxWaitMs;
  private final int minBytes;
  private final int maxBytes;
  private final int partitionMaxBytes;
  private final boolean checkCrcs;

  /**
   * The outcome of one partition of one fetch: {@code error} is the broker's code for the
   * partition; with NONE, {@code fetch} holds the records (and owns their bytes), else it is null.
   */
  record FetchedPartition(
      TopicPartition partition,
      long fetchOffset,
      CompletedFetch fetch,
      Errors error,
      long highWatermark) {}

  Fetcher(
      NodeConnections connections,
      int maxWaitMs,
      int minBytes,
      int maxBytes,
      int partitionMaxBytes,
      boolean checkCrcs) {
    this.connections = connections;
    this.maxWaitMs = maxWaitMs;
    this.minBytes = minBytes;
    this.maxBytes = maxBytes;
    this.partitionMaxBytes = partitionMaxBytes;
    this.checkCrcs = checkCrcs;
  }

  /** Fetches {@code offsets} (partition to fetch offset) from broker {@code leader}. */
  CompletableFuture<List<FetchedPartition>> fetch(int leader, Map<TopicPartition, Long> offsets) {
    Map<String, List<FetchRequest.FetchPartition>> byTopic = new LinkedHashMap<>();
    offsets.forEach(
        (tp, offset) ->
            byTopic
                .computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                .add(
                    new FetchRequest.FetchPartition()
                        .setPartition(tp.partition())
                        .setFetchOffset(offset)
                        .setPartitionMaxBytes(partitionMaxBytes)));
    List<FetchRequest.FetchTopic> topics = new ArrayList<>();
    byTopic.forEach(
        (name, list) ->
            topics.add(new FetchRequest.FetchTopic().setTopic(name).setPartitions(list)));
    // Session id 0, epoch -1: a full fetch outside any fetch session, every time.
    FetchRequest request =
        new FetchRequest()
            .setReplicaId(-1)
            .setMaxWaitMs(maxWaitMs)
            .setMinBytes(minBytes)
            .setMaxBytes(maxBytes)
            .setIsolationLevel((byte) 0)
            .setSessionId(0)
            .setSessionEpoch(-1)
            .setTopics(topics);
    return connections
        .connection(leader)
        .thenCompose(
            c ->
                c.send(
                    ApiKey.FETCH, request, (r, v) -> receive(FetchResponse.read(r, v), offsets)));
  }

  /**
   * Runs on the I/O thread while the frame is alive: each partition asked for becomes a {@link
   * FetchedPartition}, whose {@link CompletedFetch} retains its checked bytes. If this throws, it
   * has released whatever it retained.
   */
  private List<FetchedPartition> receive(FetchResponse response, Map<TopicPartition, Long> asked) {
    Errors top = Errors.forCode(response.errorCode());
    if (top != Errors.NONE) {
      throw new SluiceClientException(top, null, "fetch failed: " + top);
    }
    List<FetchedPartition> result = new ArrayList<>();
    Map<TopicPartition, Long> left = new HashMap<>(asked);
    try {
      for (FetchResponse.FetchableTopicResponse t : response.responses()) {
        for (FetchResponse.PartitionData p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.topic(), p.partitionIndex());
          Long offset = left.remove(tp);
          if (offset == null) {
            continue; // not asked for, or a duplicate
          }
          Errors error = Errors.forCode(p.errorCode());
          CompletedFetch fetch =
              error != Errors.NONE
                  ? null
                  : CompletedFetch.receive(
                      tp, buf(p.records()), offset, checkCrcs, partitionMaxBytes);
          result.add(new FetchedPartition(tp, offset, fetch, error, p.highWatermark()));
        }
      }
    } catch (RuntimeException e) {
      release(result);
      throw e;
    }
    return result;
  }

  /** Releases the bytes of every fetch in {@code fetched}. */
  static void release(List<FetchedPartition> fetched) {
    for (FetchedPartition f : fetched) {
      if (f.fetch() != null) {
        f.fetch().release();
      }
    }
  }

  private static ByteBuf buf(Records records) {
    return records == null ? null : ((ByteBufRecords) records).buf();
  }
}
