package io.sluice.client.internal;

import io.sluice.client.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;

/**
 * The producer's per-partition queues of batches, and the rules for when a batch may leave: when it
 * is full, when {@code linger.ms} passed, on {@code flush} or {@code close}, never while its
 * partition has {@code max.in.flight} batches outstanding, and a retried batch only when nothing
 * else of its partition is in flight (so that batches reach the log in sequence order).
 *
 * <p>Per partition it also keeps the idempotent producer's sequence numbers: the next sequence to
 * assign, and the sequence after the last acknowledged batch.
 *
 * <p>Thread-safe: every method synchronizes on this object; {@link #awaitWork} waits on it.
 */
final class RecordAccumulator {
  private final int batchSize;
  private final long lingerMs;
  private final long deliveryTimeoutMs;
  private final int maxInFlight;
  private final boolean idempotent;
  private final MemoryBudget memory;
  private final CompressionRatios ratios;
  private final Map<TopicPartition, PartitionQueue> queues = new HashMap<>();
  private final Set<ProducerBatch> incomplete = new HashSet<>();
  private int flushes;
  private boolean closing;

  private static final class PartitionQueue {
    final ArrayDeque<ProducerBatch> batches = new ArrayDeque<>();
    int inFlight;
    int nextSequence;
    int ackedSequence;
  }

  /** The batches to send now, by leader, and when to look again. */
  record Drained(
      Map<Integer, List<ProducerBatch>> byLeader, Set<String> unknownLeaders, long nextCheckMs) {}

  RecordAccumulator(
      int batchSize,
      long lingerMs,
      long deliveryTimeoutMs,
      int maxInFlight,
      boolean idempotent,
      MemoryBudget memory) {
    this(
        batchSize,
        lingerMs,
        deliveryTimeoutMs,
        maxInFlight,
        idempotent,
        memory,
        new CompressionRatios(false));
  }

  RecordAccumulator(
      int batchSize,
      long lingerMs,
      long deliveryTimeoutMs,
      int maxInFlight,
      boolean idempotent,
      MemoryBudget memory,
      CompressionRatios ratios) {
    this.ratios = ratios;
    this.batchSize = batchSize;
    this.lingerMs = lingerMs;
    this.deliveryTimeoutMs = deliveryTimeoutMs;
    this.maxInFlight = maxInFlight;
    this.idempotent = idempotent;
    this.memory = memory;
  }

  /** Adds a record whose {@code reserved} bytes the caller already took from the budget. */
  synchronized void append(TopicPartition tp, PendingRecord record, int reserved, long nowMs) {
    PartitionQueue queue = queues.computeIfAbsent(tp, k -> new PartitionQueue());
    ProducerBatch last = queue.batches.peekLast();
    if (last == null || last.attempts > 0 || !last.tryAppend(record, reserved, reserved)) {
      last =
          new ProducerBatch(
              tp, nowMs, deliveryTimeoutMs, ratios.uncompressedLimit(tp.topic(), batchSize));
      last.tryAppend(record, reserved, reserved);
      queue.batches.addLast(last);
      incomplete.add(last);
      notifyAll(); // the sender may be asleep past this batch's linger deadline
    } else if (last.isFull()) {
      notifyAll();
    }
  }

  /**
   * Takes the batches that may be sent now: at most one per partition, grouped by leader, each
   * leader's group within {@code maxRequestBytes} (but at least one batch).
   */
  synchronized Drained drain(
      long nowMs, ToIntFunction<TopicPartition> leaderOf, int maxRequestBytes) {
    Map<Integer, List<ProducerBatch>> byLeader = new HashMap<>();
    Map<Integer, Integer> bytesByLeader = new HashMap<>();
    Set<String> unknown = new HashSet<>();
    long next = nowMs + Math.max(lingerMs, 100);
    for (Map.Entry<TopicPartition, PartitionQueue> entry : queues.entrySet()) {
      PartitionQueue queue = entry.getValue();
      ProducerBatch head = queue.batches.peekFirst();
      if (head == null || queue.inFlight >= maxInFlight) {
        continue;
      }
      if (head.attempts > 0 && queue.inFlight > 0) {
        continue; // a retry waits until its partition has nothing else in flight
      }
      if (head.retryAtMs > nowMs) {
        next = Math.min(next, head.retryAtMs);
        continue;
      }
      boolean ready =
          queue.batches.size() > 1
              || head.isFull()
              || head.attempts > 0
              || flushes > 0
              || closing
              || nowMs - head.createdMs >= lingerMs;
      if (!ready) {
        next = Math.min(next, head.createdMs + lingerMs);
        continue;
      }
      int leader = leaderOf.applyAsInt(entry.getKey());
      if (leader < 0) {
        if (leader == -1) {
          unknown.add(entry.getKey().topic());
        }
        continue;
      }
      int used = bytesByLeader.getOrDefault(leader, 0);
      if (used > 0 && used + head.estimatedBytes() > maxRequestBytes) {
        next = nowMs;
        continue;
      }
      queue.batches.pollFirst();
      if (idempotent && head.baseSequence < 0) {
        head.baseSequence = queue.nextSequence;
        queue.nextSequence += head.records().size();
      }
      queue.inFlight++;
      head.attempts++;
      bytesByLeader.put(leader, used + head.estimatedBytes());
      byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(head);
    }
    return new Drained(byLeader, unknown, next);
  }

  /** An attempt of {@code batch} ended and it goes back to the head of its queue. */
  synchronized void requeue(ProducerBatch batch, long retryAtMs) {
    PartitionQueue queue = queues.get(batch.partition);
    queue.inFlight--;
    batch.retryAtMs = retryAtMs;
    // Keep the queue in sequence order: earlier retries first, then unsent batches.
    ArrayDeque<ProducerBatch> reordered = new ArrayDeque<>();
    boolean placed = false;
    for (ProducerBatch b : queue.batches) {
      if (!placed && (b.baseSequence < 0 || b.baseSequence > batch.baseSequence)) {
        reordered.addLast(batch);
        placed = true;
      }
      reordered.addLast(b);
    }
    if (!placed) {
      reordered.addLast(batch);
    }
    queue.batches.clear();
    queue.batches.addAll(reordered);
    notifyAll();
  }

  /** How a batch left the accumulator for good. */
  enum Outcome {
    /** The broker acknowledged it (it was in flight). */
    ACKED,
    /** It failed while in flight: the broker answered an error or the request failed. */
    FAILED_IN_FLIGHT,
    /** It failed before it was ever sent, or between tries (expired, producer closed). */
    FAILED_QUEUED;

    boolean wasInFlight() {
      return this != FAILED_QUEUED;
    }
  }

  /** {@code batch} left for good, as {@code outcome} says. */
  synchronized void completed(ProducerBatch batch, Outcome outcome) {
    PartitionQueue queue = queues.get(batch.partition);
    if (outcome.wasInFlight()) {
      queue.inFlight--;
    }
    if (outcome == Outcome.ACKED && batch.baseSequence >= 0) {
      queue.ackedSequence =
          Math.max(queue.ackedSequence, batch.baseSequence + batch.records().size());
    }
    incomplete.remove(batch);
    memory.release(batch.reservedBytes());
    notifyAll();
  }

  /** Whether a batch of this partition sent before {@code batch} is still unacknowledged. */
  synchronized boolean hasEarlierUnacked(ProducerBatch batch) {
    PartitionQueue queue = queues.get(batch.partition);
    return batch.baseSequence > queue.ackedSequence;
  }

  /** Removes and returns queued batches whose delivery deadline has passed. */
  synchronized List<ProducerBatch> expire(long nowMs) {
    List<ProducerBatch> expired = new ArrayList<>();
    for (PartitionQueue queue : queues.values()) {
      for (Iterator<ProducerBatch> it = queue.batches.iterator(); it.hasNext(); ) {
        ProducerBatch b = it.next();
        if (b.deadlineMs <= nowMs) {
          it.remove();
          expired.add(b);
        }
      }
    }
    return expired;
  }

  synchronized void awaitWork(long untilMs, long nowMs) throws InterruptedException {
    if (untilMs > nowMs) {
      wait(untilMs - nowMs);
    }
  }

  synchronized void wakeup() {
    notifyAll();
  }

  synchronized boolean hasIncomplete() {
    return !incomplete.isEmpty();
  }

  /** The futures of every record not yet completed; flush waits on them with linger ignored. */
  synchronized List<CompletableFuture<?>> beginFlush() {
    flushes++;
    notifyAll();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (ProducerBatch b : incomplete) {
      for (PendingRecord r : b.records()) {
        futures.add(r.future());
      }
    }
    return futures;
  }

  synchronized void endFlush() {
    flushes--;
  }

  synchronized void close() {
    closing = true;
    notifyAll();
  }

  /** Fails and removes everything still queued (a forced close). */
  synchronized List<ProducerBatch> drainAll() {
    List<ProducerBatch> all = new ArrayList<>();
    for (PartitionQueue queue : queues.values()) {
      all.addAll(queue.batches);
      queue.batches.clear();
    }
    return all;
  }
}
