package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.TopicPartition;
import io.sluice.client.internal.RecordAccumulator.Outcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecordAccumulatorTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);
  private final MemoryBudget memory = new MemoryBudget(1 << 20);

  private RecordAccumulator accumulator(int batchSize, long lingerMs, int maxInFlight) {
    return new RecordAccumulator(batchSize, lingerMs, 60_000, maxInFlight, true, memory);
  }

  private void append(RecordAccumulator accumulator, int size, long now) {
    memory.reserve(size, 0);
    accumulator.append(
        TP,
        new PendingRecord(now, null, new byte[size], List.of(), new CompletableFuture<>(), null),
        size,
        now);
  }

  private static List<ProducerBatch> drain(RecordAccumulator accumulator, long now) {
    return accumulator.drain(now, tp -> 0, 1 << 20).byLeader().getOrDefault(0, List.of());
  }

  @Test
  void drain_lingerNotElapsed_nothingUntilItHas() {
    RecordAccumulator accumulator = accumulator(1000, 50, 5);
    append(accumulator, 100, 0);
    RecordAccumulator.Drained early = accumulator.drain(10, tp -> 0, 1 << 20);
    assertTrue(early.byLeader().isEmpty());
    assertEquals(50, early.nextCheckMs());
    List<ProducerBatch> batches = drain(accumulator, 50);
    assertEquals(1, batches.size());
    assertEquals(1, batches.get(0).records().size());
  }

  @Test
  void append_overBatchSize_startsNewBatchAndFullOneLeavesAtOnce() {
    RecordAccumulator accumulator = accumulator(250, 1000, 5);
    append(accumulator, 100, 0);
    append(accumulator, 100, 0);
    append(accumulator, 100, 0);
    List<ProducerBatch> first = drain(accumulator, 1);
    assertEquals(1, first.size(), "one batch per partition per drain");
    assertEquals(2, first.get(0).records().size());
    assertEquals(0, first.get(0).baseSequence);
    List<ProducerBatch> second = drain(accumulator, 1000);
    assertEquals(1, second.get(0).records().size());
    assertEquals(2, second.get(0).baseSequence, "sequences continue across batches");
  }

  @Test
  void drain_maxInFlightReached_holdsFurtherBatches() {
    RecordAccumulator accumulator = accumulator(100, 0, 1);
    append(accumulator, 100, 0);
    append(accumulator, 100, 0);
    ProducerBatch sent = drain(accumulator, 0).get(0);
    assertTrue(drain(accumulator, 0).isEmpty(), "second waits while the first is in flight");
    accumulator.completed(sent, Outcome.ACKED);
    assertEquals(1, drain(accumulator, 0).size());
  }

  @Test
  void requeue_retry_goesBeforeNewerBatchesAndWaitsForEmptyPipeline() {
    RecordAccumulator accumulator = accumulator(100, 0, 5);
    append(accumulator, 100, 0);
    append(accumulator, 100, 0);
    append(accumulator, 100, 0);
    ProducerBatch a = drain(accumulator, 0).get(0);
    ProducerBatch b = drain(accumulator, 0).get(0);
    accumulator.requeue(a, 10);
    assertTrue(drain(accumulator, 20).isEmpty(), "a retry waits while b is in flight");
    accumulator.requeue(b, 10);
    ProducerBatch first = drain(accumulator, 20).get(0);
    assertSame(a, first, "lowest sequence first");
    assertEquals(2, a.attempts);
    assertTrue(drain(accumulator, 20).isEmpty(), "b (a retry) waits until a is settled");
    accumulator.completed(a, Outcome.ACKED);
    assertSame(b, drain(accumulator, 20).get(0));
  }

  @Test
  void completed_releasesTheBatchMemoryAndTracksAcknowledgedSequence() {
    RecordAccumulator accumulator = accumulator(1000, 0, 5);
    append(accumulator, 300, 0);
    assertEquals(300, memory.used());
    ProducerBatch batch = drain(accumulator, 0).get(0);
    assertTrue(accumulator.hasIncomplete());
    accumulator.completed(batch, Outcome.ACKED);
    assertEquals(0, memory.used());
    assertTrue(!accumulator.hasIncomplete());
  }

  @Test
  void drain_unknownLeader_reportsTheTopicAndKeepsTheBatch() {
    RecordAccumulator accumulator = accumulator(100, 0, 5);
    append(accumulator, 100, 0);
    RecordAccumulator.Drained drained = accumulator.drain(0, tp -> -1, 1 << 20);
    assertEquals(java.util.Set.of("t"), drained.unknownLeaders());
    assertEquals(1, drain(accumulator, 0).size());
  }
}
