package io.sluice.client.internal;

import static io.sluice.client.internal.FetchFixtures.TP;
import static io.sluice.client.internal.FetchFixtures.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FetchPipelineTest {
  private static final TopicPartition TP1 = new TopicPartition("t", 1);

  /** One Fetch sent by the pipeline, answered by the test. */
  private record Sent(
      Map<TopicPartition, Long> offsets,
      CompletableFuture<List<Fetcher.FetchedPartition>> answer) {}

  private final ArrayDeque<Sent> sent = new ArrayDeque<>();
  private final List<String> refreshed = new ArrayList<>();
  private final List<ByteBuf> frames = new ArrayList<>();
  private final FetchPipeline pipeline =
      new FetchPipeline(
          new FetchPipeline.Source() {
            @Override
            public int leader(TopicPartition tp) {
              return 0;
            }

            @Override
            public void refreshMetadata(List<String> topics) {
              refreshed.addAll(topics);
            }

            @Override
            public CompletableFuture<List<Fetcher.FetchedPartition>> fetch(
                int leader, Map<TopicPartition, Long> offsets) {
              CompletableFuture<List<Fetcher.FetchedPartition>> f = new CompletableFuture<>();
              sent.add(new Sent(Map.copyOf(offsets), f));
              return f;
            }
          },
          100,
          true);

  @AfterEach
  void everyFrameReleased() {
    pipeline.close();
    for (ByteBuf frame : frames) {
      assertEquals(0, frame.refCnt(), "a fetched frame was not released");
    }
  }

  private PartitionState assign(TopicPartition... partitions) {
    pipeline.assign(List.of(partitions), PartitionState::new);
    for (TopicPartition tp : partitions) {
      pipeline.assigned().get(tp).seek(0);
    }
    return pipeline.assigned().get(partitions[0]);
  }

  /** Answers the oldest request: {@code tp} gets batches of {@code sizes} from its fetch offset. */
  private void answer(TopicPartition tp, int... sizes) {
    Sent s = sent.poll();
    long offset = s.offsets().get(tp);
    ByteBuf frame = frame(offset, sizes);
    frames.add(frame);
    CompletedFetch fetch =
        CompletedFetch.receive(tp, FetchFixtures.records(frame), offset, true, 1 << 20);
    frame.release();
    s.answer().complete(List.of(new Fetcher.FetchedPartition(tp, offset, fetch, Errors.NONE, 0)));
  }

  private void answerError(TopicPartition tp, Errors error) {
    Sent s = sent.poll();
    long offset = s.offsets().get(tp);
    s.answer().complete(List.of(new Fetcher.FetchedPartition(tp, offset, null, error, 0)));
  }

  private List<Long> poll(int max) {
    pipeline.drainCompletions(0);
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = pipeline.collect(max);
    pipeline.sendFetches();
    List<Long> offsets = new ArrayList<>();
    records.values().forEach(list -> list.forEach(r -> offsets.add(r.offset())));
    return offsets;
  }

  @Test
  void sendFetches_whileFirstAnswerIsConsumed_prefetchesFromItsNextOffsetAndNoMore() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    assertEquals(Map.of(TP, 0L), sent.peek().offsets());
    answer(TP, 4, 4);
    assertEquals(List.of(0L, 1L, 2L), poll(3));
    assertEquals(1, sent.size(), "the next fetch travels while 5 records are still to be polled");
    assertEquals(Map.of(TP, 8L), sent.peek().offsets());
    answer(TP, 4);
    assertEquals(List.of(3L, 4L, 5L), poll(3));
    assertEquals(0, sent.size(), "two fetches (one consumed, one arrived) is the bound");
    assertEquals(2, state.completed.size());
    assertEquals(6, state.position);
    assertEquals(List.of(6L, 7L, 8L), poll(3));
    assertEquals(1, sent.size(), "the first fetch was used up: room for the next");
    assertEquals(Map.of(TP, 12L), sent.peek().offsets());
    assertEquals(9, state.position);
    assertEquals(0, frames.get(0).refCnt(), "a used-up fetch is released at once");
  }

  @Test
  void sendFetches_fetchInFlightToLeader_nextPartitionWaitsAndJoinsTheNextFetch() {
    assign(TP);
    pipeline.sendFetches();
    pipeline.assign(List.of(TP, TP1), PartitionState::new);
    pipeline.assigned().get(TP1).seek(0);
    pipeline.sendFetches();
    assertEquals(1, sent.size(), "one fetch per broker: a parked one would hold back the next");
    answer(TP, 2);
    assertEquals(List.of(0L, 1L), poll(10));
    assertEquals(Map.of(TP, 2L, TP1, 0L), sent.peek().offsets());
  }

  @Test
  void collect_twoPartitions_firstPartitionRotatesAndPositionsExact() {
    assign(TP, TP1);
    pipeline.sendFetches();
    Sent s = sent.peek();
    assertEquals(Map.of(TP, 0L, TP1, 0L), s.offsets());
    ByteBuf a = frame(0, 4);
    ByteBuf b = frame(0, 4);
    frames.add(a);
    frames.add(b);
    CompletedFetch fa = CompletedFetch.receive(TP, FetchFixtures.records(a), 0, true, 1 << 20);
    CompletedFetch fb = CompletedFetch.receive(TP1, FetchFixtures.records(b), 0, true, 1 << 20);
    a.release();
    b.release();
    sent.poll()
        .answer()
        .complete(
            List.of(
                new Fetcher.FetchedPartition(TP, 0, fa, Errors.NONE, 0),
                new Fetcher.FetchedPartition(TP1, 0, fb, Errors.NONE, 0)));
    pipeline.drainCompletions(0);
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> first = pipeline.collect(3);
    assertEquals(3, first.get(TP).size());
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> second = pipeline.collect(3);
    assertEquals(List.of(TP1), List.copyOf(second.keySet()), "the next poll starts elsewhere");
    assertEquals(3, pipeline.assigned().get(TP).position);
    assertEquals(3, pipeline.assigned().get(TP1).position);
  }

  @Test
  void seek_withFetchBufferedAndOneInFlight_releasesAndDropsTheStaleAnswer() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    answer(TP, 5);
    assertEquals(List.of(0L, 1L), poll(2));
    assertEquals(Map.of(TP, 5L), sent.peek().offsets());
    state.seek(100);
    assertEquals(0, frames.get(0).refCnt(), "seek releases the buffered fetch");
    assertEquals(0, pipeline.retainedBytes());
    answer(TP, 5); // the fetch at 5, answered after the seek
    assertEquals(List.of(), poll(10));
    assertEquals(0, frames.get(1).refCnt(), "the stale answer is released, not buffered");
    assertEquals(Map.of(TP, 100L), sent.peek().offsets());
    answer(TP, 2);
    assertEquals(List.of(100L, 101L), poll(10));
    assertEquals(102, state.position);
  }

  @Test
  void clearCompleted_seekToBeginningOrEnd_releasesAndRefetchesFromResolvedPosition() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    answer(TP, 5);
    poll(1);
    answer(TP, 5); // the prefetch at 5
    pipeline.drainCompletions(0);
    assertEquals(2, state.completed.size());
    state.clearCompleted(); // what seekToBeginning/End do, before ListOffsets
    state.needsPosition = true;
    assertEquals(0, frames.get(0).refCnt());
    assertEquals(0, frames.get(1).refCnt());
    pipeline.sendFetches();
    assertTrue(sent.isEmpty(), "no fetch without a position");
    state.seek(3);
    assertEquals(List.of(), poll(10));
    answer(TP, 2);
    assertEquals(List.of(3L, 4L), poll(10));
  }

  @Test
  void assign_removingPartitionWithFetches_releasesThemAndIgnoresItsLateAnswer() {
    assign(TP, TP1);
    pipeline.sendFetches();
    Sent s = sent.poll();
    ByteBuf a = frame(0, 4);
    ByteBuf b = frame(0, 4);
    frames.add(a);
    frames.add(b);
    CompletedFetch fa = CompletedFetch.receive(TP, FetchFixtures.records(a), 0, true, 1 << 20);
    CompletedFetch fb = CompletedFetch.receive(TP1, FetchFixtures.records(b), 0, true, 1 << 20);
    a.release();
    b.release();
    s.answer()
        .complete(
            List.of(
                new Fetcher.FetchedPartition(TP, 0, fa, Errors.NONE, 0),
                new Fetcher.FetchedPartition(TP1, 0, fb, Errors.NONE, 0)));
    pipeline.drainCompletions(0);
    pipeline.sendFetches(); // prefetch for both
    pipeline.assign(List.of(TP1), PartitionState::new);
    assertEquals(0, a.refCnt(), "the removed partition's fetch is released");
    assertEquals(1, b.refCnt());
    // The prefetch answer arrives for both; TP's part is no longer wanted.
    Sent next = sent.poll();
    ByteBuf c = frame(4, 2);
    ByteBuf d = frame(4, 2);
    frames.add(c);
    frames.add(d);
    CompletedFetch fc = CompletedFetch.receive(TP, FetchFixtures.records(c), 4, true, 1 << 20);
    CompletedFetch fd = CompletedFetch.receive(TP1, FetchFixtures.records(d), 4, true, 1 << 20);
    c.release();
    d.release();
    next.answer()
        .complete(
            List.of(
                new Fetcher.FetchedPartition(TP, 4, fc, Errors.NONE, 0),
                new Fetcher.FetchedPartition(TP1, 4, fd, Errors.NONE, 0)));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), poll(10));
    assertEquals(0, c.refCnt());
    pipeline.assign(List.of(), PartitionState::new); // unsubscribe, or a revocation
    assertEquals(0, pipeline.retainedBytes());
  }

  @Test
  void close_withQueuedAnswerAndOneStillTravelling_releasesBoth() {
    assign(TP);
    pipeline.sendFetches();
    answer(TP, 5);
    poll(1); // the answer is buffered, the prefetch goes out
    Sent travelling = sent.poll();
    pipeline.close();
    assertEquals(0, frames.get(0).refCnt());
    ByteBuf late = frame(5, 3);
    frames.add(late);
    CompletedFetch f = CompletedFetch.receive(TP, FetchFixtures.records(late), 5, true, 1 << 20);
    late.release();
    travelling.answer().complete(List.of(new Fetcher.FetchedPartition(TP, 5, f, Errors.NONE, 0)));
    assertEquals(0, late.refCnt(), "an answer arriving after close is released on arrival");
  }

  @Test
  void collect_corruptSecondBatch_recordsBeforeItThenFailureOnNextPollAtItsOffset() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    Sent s = sent.poll();
    ByteBuf frame = frame(0, 3, 2);
    frames.add(frame);
    int at = frame.readableBytes() - FetchFixtures.AFTER - 2;
    frame.setByte(at, frame.getByte(at) ^ 1);
    CompletedFetch fetch =
        CompletedFetch.receive(TP, FetchFixtures.records(frame), 0, true, 1 << 20);
    frame.release();
    s.answer().complete(List.of(new Fetcher.FetchedPartition(TP, 0, fetch, Errors.NONE, 0)));
    assertEquals(List.of(0L, 1L, 2L), poll(10));
    assertTrue(sent.isEmpty(), "nothing is fetched behind a failure");
    SluiceClientException e = assertThrows(SluiceClientException.class, () -> poll(10));
    assertEquals(Errors.CORRUPT_MESSAGE, e.error());
    assertTrue(e.getMessage().contains("t-0 at offset 3"), e.getMessage());
    assertEquals(3, state.position);
    assertEquals(0, frame.refCnt());
    assertTrue(state.retryAtMs > 0, "fetched again after the backoff");
  }

  @Test
  void collect_fatalBrokerErrorBehindBufferedRecords_recordsFirstThenError() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    answer(TP, 4);
    assertEquals(List.of(0L), poll(1));
    answerError(TP, Errors.TOPIC_AUTHORIZATION_FAILED);
    assertEquals(List.of(1L, 2L, 3L), poll(10));
    SluiceClientException e = assertThrows(SluiceClientException.class, () -> poll(10));
    assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED, e.error());
    assertEquals(4, state.position);
  }

  @Test
  void collect_offsetOutOfRangeBehindBufferedRecords_recordsFirstThenReset() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    answer(TP, 4);
    assertEquals(List.of(0L), poll(1));
    answerError(TP, Errors.OFFSET_OUT_OF_RANGE);
    assertEquals(List.of(1L, 2L, 3L), poll(10));
    assertTrue(state.needsPosition, "reset by auto.offset.reset once the records before are out");
    assertTrue(state.completed.isEmpty());
    assertTrue(sent.isEmpty(), "no fetch until the reset found a position");
  }

  @Test
  void drainCompletions_retriableErrorAndBrokenConnection_keepBufferedAndBackOff() {
    PartitionState state = assign(TP);
    pipeline.sendFetches();
    answer(TP, 4);
    assertEquals(List.of(0L), poll(1));
    answerError(TP, Errors.NOT_LEADER_OR_FOLLOWER);
    assertEquals(List.of(1L), poll(1));
    assertEquals(List.of("t"), refreshed);
    assertTrue(sent.isEmpty(), "backing off");
    state.retryAtMs = 0;
    poll(0);
    sent.poll().answer().completeExceptionally(new IllegalStateException("connection closed"));
    assertEquals(List.of(2L, 3L), poll(10));
    assertEquals(List.of("t", "t"), refreshed);
    assertFalse(state.inFlight);
  }
}
