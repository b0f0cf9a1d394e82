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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The machinery behind {@code Consumer}: positions, pipelined fetches, offset resets and commits.
 * Not API.
 *
 * <p>Pipelining: a partition is fetched again as soon as it has no fetch in flight and fewer
 * buffered records than {@code max.poll.records}, which is usually right after a poll handed its
 * records to the application, so the next records travel while the application works. Memory is
 * bounded by about one fetch response plus {@code max.poll.records} per partition.
 *
 * <p>Thread safety: like Kafka's consumer, not thread-safe; one application thread calls it. Fetch
 * answers arrive on the I/O thread only through a blocking queue.
 */
public final class ConsumerEngine {
  private final ConsumerConfig config;
  private final NodeConnections connections;
  private final MetadataCache metadata;
  private final OffsetLookup offsets;
  private final Fetcher fetcher;
  private final OffsetCommitter committer;
  private final GroupRequests groupRequests;
  private final GroupMembership membership;
  private final Map<TopicPartition, PartitionState> assigned = new LinkedHashMap<>();
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

  private static final class PartitionState {
    long fetchPosition = -1;
    long resetTo = OffsetLookup.LATEST;
    boolean needsPosition = true;
    boolean useCommitted = true;
    boolean explicitReset;
    boolean inFlight;
    long retryAtMs;
    final ArrayDeque<ConsumerRecord> buffer = new ArrayDeque<>();
  }

  /** A fetch answer (or failure) for the partitions of one request. */
  private record Completion(
      Map<TopicPartition, Long> asked, List<Fetcher.FetchedPartition> fetched, Throwable error) {}

  public ConsumerEngine(ConsumerConfig config) {
    this.config = config;
    this.connections =
        new NodeConnections(
            config.bootstrapServers(),
            config.clientId(),
            config.requestTimeoutMs(),
            config.fetchMaxBytes() + (1 << 20),
            "sluice-consumer-io");
    this.metadata = new MetadataCache(connections);
    this.offsets = new OffsetLookup(connections, metadata);
    this.fetcher =
        new Fetcher(
            connections,
            config.fetchMaxWaitMs(),
            config.fetchMinBytes(),
            config.fetchMaxBytes(),
            config.maxPartitionFetchBytes(),
            config.checkCrcs());
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
    assigned.clear();
  }

  public void assign(Collection<TopicPartition> partitions) {
    assigned.keySet().retainAll(Set.copyOf(partitions));
    for (TopicPartition tp : partitions) {
      assigned.computeIfAbsent(tp, k -> initialState());
    }
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
    PartitionState state = state(tp);
    state.buffer.clear();
    state.fetchPosition = offset;
    state.needsPosition = false;
  }

  public void seekTo(Collection<TopicPartition> partitions, long timestamp) {
    for (TopicPartition tp : partitions) {
      PartitionState state = state(tp);
      state.buffer.clear();
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
    return state.buffer.isEmpty() ? state.fetchPosition : state.buffer.peekFirst().offset();
  }

  private PartitionState state(TopicPartition tp) {
    PartitionState state = assigned.get(tp);
    if (state == null) {
      throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
    }
    return state;
  }

  public ConsumerRecords poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (subscribed()) {
        membership.poll();
      }
      drainCompletions(0);
      resolvePositions();
      Map<TopicPartition, List<ConsumerRecord>> records = takeBuffered();
      sendFetches();
      if (!records.isEmpty()) {
        return new ConsumerRecords(records);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return ConsumerRecords.EMPTY;
      }
      drainCompletions(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, config.retryBackoffMs()));
    }
  }

  private Map<TopicPartition, List<ConsumerRecord>> takeBuffered() {
    Map<TopicPartition, List<ConsumerRecord>> result = new LinkedHashMap<>();
    int budget = config.maxPollRecords();
    for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
      ArrayDeque<ConsumerRecord> buffer = e.getValue().buffer;
      while (budget > 0 && !buffer.isEmpty()) {
        result.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(buffer.pollFirst());
        budget--;
      }
    }
    return result;
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
          state.fetchPosition = offset;
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
                state.fetchPosition = offset;
                state.needsPosition = false;
              });
        });
  }

  private void sendFetches() {
    long now = System.currentTimeMillis();
    Map<Integer, Map<TopicPartition, Long>> byLeader = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
      PartitionState state = e.getValue();
      if (state.inFlight
          || state.needsPosition
          || state.retryAtMs > now
          || state.buffer.size() >= config.maxPollRecords()) {
        continue;
      }
      TopicInfo info = metadata.topic(e.getKey().topic());
      int leader = info == null ? -1 : info.leader(e.getKey().partition());
      if (leader < 0) {
        unknown.add(e.getKey().topic());
        continue;
      }
      byLeader
          .computeIfAbsent(leader, k -> new LinkedHashMap<>())
          .put(e.getKey(), state.fetchPosition);
    }
    if (!unknown.isEmpty()) {
      metadata.refresh(unknown, false);
    }
    byLeader.forEach(
        (leader, asked) -> {
          asked.keySet().forEach(tp -> assigned.get(tp).inFlight = true);
          fetcher
              .fetch(leader, asked)
              .whenComplete(
                  (fetched, error) -> completions.add(new Completion(asked, fetched, error)));
        });
  }

  private void drainCompletions(long waitMs) {
    try {
      Completion c =
          waitMs > 0 ? completions.poll(waitMs, TimeUnit.MILLISECONDS) : completions.poll();
      while (c != null) {
        apply(c);
        c = completions.poll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceClientException(Errors.UNKNOWN_SERVER_ERROR, null, "interrupted", false, e);
    }
  }

  private void apply(Completion c) {
    long now = System.currentTimeMillis();
    for (TopicPartition tp : c.asked().keySet()) {
      PartitionState state = assigned.get(tp);
      if (state != null) {
        state.inFlight = false;
        if (c.error() != null) {
          state.retryAtMs = now + config.retryBackoffMs();
        }
      }
    }
    if (c.error() != null) {
      // Connection trouble: retried after the backoff, through fresh metadata (a new leader).
      metadata.refresh(
          c.asked().keySet().stream().map(TopicPartition::topic).distinct().toList(), false);
      return;
    }
    SluiceClientException fatal = null;
    for (Fetcher.FetchedPartition f : c.fetched()) {
      PartitionState state = assigned.get(f.partition());
      if (state == null || state.needsPosition || state.fetchPosition != f.fetchOffset()) {
        continue; // unassigned or moved by a seek while the fetch was in flight
      }
      if (f.error() == Errors.NONE) {
        state.buffer.addAll(f.decoded().records());
        state.fetchPosition = f.decoded().nextOffset();
      } else if (f.error() == Errors.OFFSET_OUT_OF_RANGE
          && !"none".equals(config.autoOffsetReset())) {
        state.needsPosition = true;
      } else if (f.failure() == null && f.error().retriable()) {
        state.retryAtMs = now + config.retryBackoffMs();
        metadata.refresh(List.of(f.partition().topic()), false);
      } else if (fatal == null) {
        fatal =
            f.failure() != null
                ? f.failure()
                : new SluiceClientException(
                    f.error(),
                    f.partition(),
                    "fetch of "
                        + f.partition()
                        + " at offset "
                        + f.fetchOffset()
                        + " failed: "
                        + f.error());
        state.retryAtMs = now + config.retryBackoffMs();
      }
    }
    if (fatal != null) {
      throw fatal;
    }
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
      connections.close();
    }
  }
}
