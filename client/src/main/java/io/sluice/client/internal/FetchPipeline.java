package io.sluice.client.internal;

import io.sluice.client.ConsumerRecord;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The consumer's fetches: which partitions to fetch and when, the answers waiting to be polled, and
 * the records a poll returns. The I/O thread only receives and checks ({@link
 * CompletedFetch#receive}); this class, on the application thread, decodes records from the
 * completed fetches, at most {@code max.poll.records} per poll, from a cursor that the next poll
 * goes on from.
 *
 * <p>Prefetch and the memory bound: a partition is fetched again, from the next fetch offset of its
 * last completed fetch, while the application still consumes that one. At most {@link
 * #FETCHES_PER_PARTITION} fetches exist per partition, counting the one in flight: one being
 * consumed plus one in flight (or arrived). Each holds at most {@code max.partition.fetch.bytes}
 * (at least one batch), so the retained bytes are at most about {@code 2 x
 * max.partition.fetch.bytes} per partition, and {@code fetch.max.bytes} per request.
 *
 * <p>One Fetch in flight per broker, as Kafka's consumer does: it asks for every partition that has
 * room. Fetches pipelined on one connection would be answered in order, so a fetch parked at the
 * broker for {@code fetch.max.wait.ms} (its partitions are at their end) would hold back the answer
 * of every fetch behind it, for partitions that do have data.
 *
 * <p>Ownership: every {@link CompletedFetch} is released by whoever drops it: a finished one by
 * itself, a stale answer (the partition was sought, reset, revoked or failed while it travelled)
 * when it arrives, the queued ones by {@link PartitionState#clearCompleted()} on seek, reset, error
 * and removal, and everything, including answers that arrive later, by {@link #close()}.
 *
 * <p>Thread safety: confined to the application thread, except {@link #deliver}, which the I/O
 * thread calls to hand over an answer.
 */
final class FetchPipeline {
  /** Fetches per partition, in flight included; measured against 3 in docs/client.md. */
  static final int FETCHES_PER_PARTITION = 2;

  private final Source source;
  private final long retryBackoffMs;
  private final boolean resetOnOutOfRange;
  private final Map<TopicPartition, PartitionState> assigned = new LinkedHashMap<>();
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final Set<Integer> busyLeaders = new HashSet<>();
  private final Object closeLock = new Object();
  private boolean closed;
  private int rotation;

  /** A fetch answer (or failure) for the partitions of one request, as they were when asked. */
  private record Completion(
      int leader,
      Map<TopicPartition, PartitionState> asked,
      List<Fetcher.FetchedPartition> fetched,
      Throwable error) {
    void release() {
      if (fetched != null) {
        Fetcher.release(fetched);
      }
    }
  }

  /** Where fetches go: the leaders, and the network (a seam for tests). */
  interface Source {
    /** The partition's leader, or -1 if unknown. */
    int leader(TopicPartition tp);

    /** Looks the topics up again (a leader may have moved); does not wait. */
    void refreshMetadata(List<String> topics);

    /** Sends one Fetch; the answer's {@link CompletedFetch}es belong to the future's consumer. */
    CompletableFuture<List<Fetcher.FetchedPartition>> fetch(
        int leader, Map<TopicPartition, Long> offsets);
  }

  /** The production source: {@code fetcher} over {@code metadata}'s leaders. */
  static Source source(Fetcher fetcher, MetadataCache metadata) {
    return new Source() {
      @Override
      public int leader(TopicPartition tp) {
        TopicInfo info = metadata.topic(tp.topic());
        return info == null ? -1 : info.leader(tp.partition());
      }

      @Override
      public void refreshMetadata(List<String> topics) {
        metadata.refresh(topics, false);
      }

      @Override
      public CompletableFuture<List<Fetcher.FetchedPartition>> fetch(
          int leader, Map<TopicPartition, Long> offsets) {
        return fetcher.fetch(leader, offsets);
      }
    };
  }

  FetchPipeline(Source source, long retryBackoffMs, boolean resetOnOutOfRange) {
    this.source = source;
    this.retryBackoffMs = retryBackoffMs;
    this.resetOnOutOfRange = resetOnOutOfRange;
  }

  /** The partitions and their states, in assignment order. */
  Map<TopicPartition, PartitionState> assigned() {
    return assigned;
  }

  /** Keeps exactly {@code partitions}; a removed partition's fetched bytes are released. */
  void assign(Collection<TopicPartition> partitions, Supplier<PartitionState> initial) {
    Set<TopicPartition> keep = Set.copyOf(partitions);
    assigned
        .entrySet()
        .removeIf(
            e -> {
              if (keep.contains(e.getKey())) {
                return false;
              }
              e.getValue().clearCompleted();
              return true;
            });
    for (TopicPartition tp : partitions) {
      assigned.computeIfAbsent(tp, k -> initial.get());
    }
  }

  /**
   * Up to {@code max} records, from the partitions' completed fetches in turn (the first partition
   * rotates from poll to poll). A failure is raised only when no records come before it in this
   * poll; otherwise those records are returned and the failure is raised by the next poll.
   */
  Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> collect(int max) {
    for (PartitionState state : assigned.values()) {
      CompletedFetch head = state.completed.peekFirst();
      if (head != null && head.failure() != null) {
        fail(state, head.failure());
      }
    }
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> result = new LinkedHashMap<>();
    List<Map.Entry<TopicPartition, PartitionState>> order = new ArrayList<>(assigned.entrySet());
    int budget = max;
    for (int i = 0; i < order.size() && budget > 0; i++) {
      Map.Entry<TopicPartition, PartitionState> e = order.get((rotation + i) % order.size());
      PartitionState state = e.getValue();
      CompletedFetch f;
      while (budget > 0 && (f = state.completed.peekFirst()) != null) {
        List<ConsumerRecord<byte[], byte[]>> out =
            result.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
        budget -= f.drain(out, budget);
        state.position = f.position();
        if (out.isEmpty()) {
          result.remove(e.getKey());
        }
        if (f.isFinished()) {
          state.completed.pollFirst();
        } else if (f.failure() != null) {
          if (isReset(f.failure())) {
            state.clearCompleted();
            state.needsPosition = true;
          } else if (result.isEmpty()) {
            fail(state, f.failure());
          } else {
            budget = 0; // return what came before it; the next poll raises it
          }
        }
      }
    }
    if (!result.isEmpty()) {
      rotation++;
    }
    return result;
  }

  private boolean isReset(SluiceClientException failure) {
    return failure.error() == Errors.OFFSET_OUT_OF_RANGE && resetOnOutOfRange;
  }

  /** Drops the partition's fetches and raises {@code failure}; fetching resumes after backoff. */
  private void fail(PartitionState state, SluiceClientException failure) {
    state.clearCompleted();
    state.retryAtMs = System.currentTimeMillis() + retryBackoffMs;
    throw failure;
  }

  /** Sends a Fetch to each leader for the partitions that may fetch now (see the class doc). */
  void sendFetches() {
    long now = System.currentTimeMillis();
    Map<Integer, Map<TopicPartition, PartitionState>> byLeader = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
      PartitionState state = e.getValue();
      if (state.inFlight
          || state.needsPosition
          || state.retryAtMs > now
          || state.completed.size() >= FETCHES_PER_PARTITION
          || state.blocked()) {
        continue;
      }
      int leader = source.leader(e.getKey());
      if (leader < 0) {
        unknown.add(e.getKey().topic());
        continue;
      }
      if (busyLeaders.contains(leader)) {
        continue;
      }
      byLeader.computeIfAbsent(leader, k -> new LinkedHashMap<>()).put(e.getKey(), state);
    }
    if (!unknown.isEmpty()) {
      source.refreshMetadata(unknown);
    }
    byLeader.forEach(
        (leader, asked) -> {
          Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
          asked.forEach(
              (tp, state) -> {
                state.inFlight = true;
                offsets.put(tp, state.tailOffset());
              });
          busyLeaders.add(leader);
          source
              .fetch(leader, offsets)
              .whenComplete(
                  (fetched, error) -> deliver(new Completion(leader, asked, fetched, error)));
        });
  }

  /** I/O thread: queues an answer, or releases it if the consumer is closed. */
  private void deliver(Completion c) {
    synchronized (closeLock) {
      if (!closed) {
        completions.add(c);
        return;
      }
    }
    c.release();
  }

  /** Applies the answers that arrived, waiting up to {@code waitMs} for the first one. */
  void drainCompletions(long waitMs) {
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
    busyLeaders.remove(c.leader());
    for (PartitionState state : c.asked().values()) {
      state.inFlight = false;
      if (c.error() != null) {
        state.retryAtMs = now + retryBackoffMs;
      }
    }
    if (c.error() != null) {
      // Connection trouble: retried after the backoff, through fresh metadata (a new leader).
      source.refreshMetadata(
          c.asked().keySet().stream().map(TopicPartition::topic).distinct().toList());
      return;
    }
    List<Fetcher.FetchedPartition> fetched = c.fetched();
    for (int i = 0; i < fetched.size(); i++) {
      try {
        accept(c.asked(), fetched.get(i), now);
      } catch (RuntimeException e) {
        Fetcher.release(fetched.subList(i + 1, fetched.size()));
        throw e;
      }
    }
  }

  /** Queues one partition's answer, or releases it if it is stale or holds nothing. */
  private void accept(
      Map<TopicPartition, PartitionState> asked, Fetcher.FetchedPartition f, long now) {
    PartitionState state = asked.get(f.partition());
    boolean current =
        state != null
            && assigned.get(f.partition()) == state
            && !state.needsPosition
            && !state.blocked()
            && state.tailOffset() == f.fetchOffset();
    if (f.error() == Errors.NONE) {
      if (current && !f.fetch().isEmpty()) {
        state.completed.addLast(f.fetch());
      } else {
        f.fetch().release(); // sought, reset, revoked or failed while in flight; or no data
      }
    } else if (!current) {
      return;
    } else if (f.error() != Errors.OFFSET_OUT_OF_RANGE && f.error().retriable()) {
      state.retryAtMs = now + retryBackoffMs;
      source.refreshMetadata(List.of(f.partition().topic()));
    } else {
      // In line behind the completed fetches, so records before it are returned first.
      state.completed.addLast(CompletedFetch.failed(f.partition(), f.fetchOffset(), f.error()));
    }
  }

  /** Releases every fetched byte, now and for answers still travelling. Idempotent. */
  void close() {
    synchronized (closeLock) {
      closed = true;
    }
    Completion c;
    while ((c = completions.poll()) != null) {
      c.release();
    }
    for (PartitionState state : assigned.values()) {
      state.clearCompleted();
    }
  }

  /** Bytes held by completed fetches of assigned partitions (for tests and diagnostics). */
  long retainedBytes() {
    long bytes = 0;
    for (PartitionState state : assigned.values()) {
      bytes += state.retainedBytes();
    }
    return bytes;
  }
}
