package io.sluice.client.internal;

import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRebalanceListener;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.ConsumerRecords;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.client.internal.group.GroupMembership;
import io.sluice.client.internal.group.GroupSettings;
import io.sluice.protocol.Errors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The machinery behind {@code Consumer}: positions, pipelined fetches, offset resets and commits.
 * Not API.
 *
 * <p>Fetching is the {@link FetchPipeline}'s: the I/O thread only receives and checks batches;
 * {@code poll} decodes records from the completed fetches while the next fetch of each partition
 * travels. At most two fetches per partition exist at a time (one being consumed, one in flight or
 * arrived), so memory is bounded by about {@code 2 x max.partition.fetch.bytes} per partition.
 *
 * <p>Thread safety: like Kafka's consumer, not thread-safe; one application thread calls it. Fetch
 * answers arrive on the I/O thread only through the pipeline's queue.
 */
public final class ConsumerEngine {
  private final ConsumerConfig config;
  private final NodeConnections connections;
  private final MetadataCache metadata;
  private final OffsetLookup offsets;
  private final FetchPipeline pipeline;
  private final Map<TopicPartition, PartitionState> assigned;
  private final OffsetCommitter committer;
  private final GroupRequests groupRequests;
  private final GroupMembership membership;

  public ConsumerEngine(ConsumerConfig config) {
    this.config = config;
    this.connections =
        new NodeConnections(
            config.bootstrapServers(),
            config.clientId(),
            config.requestTimeoutMs(),
            config.fetchMaxBytes() + (1 << 20),
            "sluice-consumer-io",
            config.security());
    this.metadata = new MetadataCache(connections);
    this.offsets = new OffsetLookup(connections, metadata);
    Fetcher fetcher =
        new Fetcher(
            connections,
            config.fetchMaxWaitMs(),
            config.fetchMinBytes(),
            config.fetchMaxBytes(),
            config.maxPartitionFetchBytes(),
            config.checkCrcs());
    this.pipeline =
        new FetchPipeline(
            FetchPipeline.source(fetcher, metadata),
            config.retryBackoffMs(),
            !"none".equals(config.autoOffsetReset()));
    this.assigned = pipeline.assigned();
    this.committer =
        config.groupId() == null ? null : new OffsetCommitter(connections, config.groupId());
    this.groupRequests = committer == null ? null : new GroupRequests(config, metadata, committer);
    this.membership =
        committer == null
            ? null
            : new GroupMembership(
                GroupSettings.of(config),
                groupRequests,
                new GroupMembership.Host(this::assign, this::positions, this::commit),
                System::currentTimeMillis,
                true);
  }

  /** Joins the group and reads the partitions it assigns (see {@link GroupMembership}). */
  public void subscribe(Collection<String> topics, Pattern pattern, ConsumerRebalanceListener l) {
    if (membership == null) {
      throw new IllegalStateException("subscribe needs group.id in the consumer config");
    }
    if (!membership.subscribed() && !assigned.isEmpty()) {
      throw new IllegalStateException("subscribe after assign(): call assign(List.of()) first");
    }
    if (pattern != null) {
      membership.subscribe(pattern, l);
    } else {
      membership.subscribe(topics, l);
    }
  }

  public boolean subscribed() {
    return membership != null && membership.subscribed();
  }

  public void unsubscribe() {
    if (membership != null) {
      membership.unsubscribe();
    }
    pipeline.assign(List.of(), this::initialState);
  }

  public void assign(Collection<TopicPartition> partitions) {
    pipeline.assign(partitions, this::initialState);
  }

  private PartitionState initialState() {
    PartitionState state = new PartitionState();
    state.resetTo =
        "earliest".equals(config.autoOffsetReset()) ? OffsetLookup.EARLIEST : OffsetLookup.LATEST;
    state.useCommitted = committer != null;
    return state;
  }

  public Set<TopicPartition> assignment() {
    return Set.copyOf(assigned.keySet());
  }

  public List<TopicPartition> partitionsFor(String topic) {
    int count =
        metadata
            .await(topic, false, config.requestTimeoutMs(), config.retryBackoffMs())
            .partitionCount();
    List<TopicPartition> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      result.add(new TopicPartition(topic, i));
    }
    return result;
  }

  public void seek(TopicPartition tp, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset=" + offset + " must be >= 0 for " + tp);
    }
    state(tp).seek(offset);
  }

  public void seekTo(Collection<TopicPartition> partitions, long timestamp) {
    for (TopicPartition tp : partitions) {
      PartitionState state = state(tp);
      state.clearCompleted();
      state.needsPosition = true;
      state.useCommitted = false;
      state.explicitReset = true;
      state.resetTo = timestamp;
    }
  }

  public long position(TopicPartition tp) {
    PartitionState state = state(tp);
    if (state.needsPosition) {
      resolvePositions();
    }
    return state.position;
  }

  private PartitionState state(TopicPartition tp) {
    PartitionState state = assigned.get(tp);
    if (state == null) {
      throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
    }
    return state;
  }

  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (subscribed()) {
        membership.poll();
      }
      pipeline.drainCompletions(0);
      resolvePositions();
      Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records =
          pipeline.collect(config.maxPollRecords());
      pipeline.sendFetches();
      if (!records.isEmpty()) {
        return new ConsumerRecords<>(records);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return ConsumerRecords.empty();
      }
      pipeline.drainCompletions(
          Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, config.retryBackoffMs()));
    }
  }

  /** Positions for partitions that need one: the committed offset, else the reset policy. */
  private void resolvePositions() {
    List<TopicPartition> needCommitted = new ArrayList<>();
    for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
      if (e.getValue().needsPosition && e.getValue().useCommitted) {
        needCommitted.add(e.getKey());
      }
    }
    if (!needCommitted.isEmpty()) {
      Map<TopicPartition, Long> committed = committed(needCommitted);
      for (TopicPartition tp : needCommitted) {
        PartitionState state = assigned.get(tp);
        state.useCommitted = false;
        Long offset = committed.get(tp);
        if (offset != null) {
          state.position = offset;
          state.needsPosition = false;
        }
      }
    }
    Map<Long, List<TopicPartition>> byReset = new HashMap<>();
    for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
      if (e.getValue().needsPosition) {
        if ("none".equals(config.autoOffsetReset()) && !e.getValue().explicitReset) {
          throw new SluiceClientException(
              Errors.OFFSET_OUT_OF_RANGE,
              e.getKey(),
              "no position for " + e.getKey() + " and auto.offset.reset=none",
              false,
              null);
        }
        byReset.computeIfAbsent(e.getValue().resetTo, k -> new ArrayList<>()).add(e.getKey());
      }
    }
    byReset.forEach(
        (timestamp, list) -> {
          Map<TopicPartition, Long> found =
              offsets.offsets(list, timestamp, config.requestTimeoutMs(), config.retryBackoffMs());
          found.forEach(
              (tp, offset) -> {
                PartitionState state = assigned.get(tp);
                state.position = offset;
                state.needsPosition = false;
              });
        });
  }

  public CompletableFuture<Void> commit(Map<TopicPartition, Long> toCommit) {
    if (committer == null) {
      throw new IllegalStateException("commit needs group.id in the consumer config");
    }
    return committer.commit(toCommit);
  }

  /** The positions of all assigned partitions that have one: what {@code commitSync()} commits. */
  public Map<TopicPartition, Long> positions() {
    Map<TopicPartition, Long> result = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
      if (!e.getValue().needsPosition) {
        result.put(e.getKey(), position(e.getKey()));
      }
    }
    return result;
  }

  public Map<TopicPartition, Long> committed(Collection<TopicPartition> partitions) {
    if (committer == null) {
      throw new IllegalStateException("committed offsets need group.id in the consumer config");
    }
    return Await.get(committer.committed(partitions), config.requestTimeoutMs());
  }

  public long requestTimeoutMs() {
    return config.requestTimeoutMs();
  }

  public void close() {
    try {
      if (membership != null) {
        membership.close();
      }
    } finally {
      if (groupRequests != null) {
        groupRequests.close();
      }
      try {
        connections.close();
      } finally {
        pipeline.close();
      }
    }
  }
}
