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
 * Builds Fetch requests and turns answers into {@link FetchedPartition}s. Decoding runs on the I/O
 * thread while the frame is alive: records are copied out, CRCs checked, and the frame is released
 * when the parser returns, so no fetched bytes outlive their response.
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

  /** The outcome of one partition of one fetch. {@code error} NONE or the partition's error. */
  record FetchedPartition(
      TopicPartition partition,
      long fetchOffset,
      BatchCodec.Decoded decoded,
      Errors error,
      SluiceClientException failure,
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
                c.send(ApiKey.FETCH, request, (r, v) -> decode(FetchResponse.read(r, v), offsets)));
  }

  private List<FetchedPartition> decode(FetchResponse response, Map<TopicPartition, Long> asked) {
    Errors top = Errors.forCode(response.errorCode());
    if (top != Errors.NONE) {
      throw new SluiceClientException(top, null, "fetch failed: " + top);
    }
    List<FetchedPartition> result = new ArrayList<>();
    Map<TopicPartition, Long> left = new HashMap<>(asked);
    for (FetchResponse.FetchableTopicResponse t : response.responses()) {
      for (FetchResponse.PartitionData p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.topic(), p.partitionIndex());
        Long offset = left.remove(tp);
        if (offset == null) {
          continue;
        }
        Errors error = Errors.forCode(p.errorCode());
        if (error != Errors.NONE) {
          result.add(new FetchedPartition(tp, offset, null, error, null, p.highWatermark()));
          continue;
        }
        try {
          BatchCodec.Decoded decoded =
              BatchCodec.decode(tp, nioView(p.records()), offset, checkCrcs);
          if (decoded.completeBatches() == 0
              && size(p.records()) > 0
              && size(p.records()) >= partitionMaxBytes) {
            throw new SluiceClientException(
                Errors.RECORD_LIST_TOO_LARGE,
                tp,
                "the batch at offset "
                    + offset
                    + " of "
                    + tp
                    + " is larger than max.partition.fetch.bytes="
                    + partitionMaxBytes,
                false,
                null);
          }
          result.add(new FetchedPartition(tp, offset, decoded, error, null, p.highWatermark()));
        } catch (SluiceClientException e) {
          result.add(new FetchedPartition(tp, offset, null, e.error(), e, p.highWatermark()));
        }
      }
    }
    return result;
  }

  private static int size(Records records) {
    return records == null ? 0 : records.sizeInBytes();
  }

  private static java.nio.ByteBuffer nioView(Records records) {
    if (records == null) {
      return java.nio.ByteBuffer.allocate(0);
    }
    ByteBuf buf = ((ByteBufRecords) records).buf();
    return buf.nioBuffer(buf.readerIndex(), buf.readableBytes());
  }
}
