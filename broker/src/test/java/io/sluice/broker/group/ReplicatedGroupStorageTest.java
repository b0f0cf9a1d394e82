package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group coordinator over the replicated offsets topic, with an in-memory partition log: a
 * partition taken over is loaded (latest record per key wins, tombstones delete, groups come back
 * Stable) and answers {@code COORDINATOR_LOAD_IN_PROGRESS} until then; a commit is answered, and
 * visible, only once its append is committed, and a failed append gives Kafka's coordinator errors;
 * a partition given up answers {@code NOT_COORDINATOR} and forgets its groups.
 */
class ReplicatedGroupStorageTest {
  private static final int PARTITIONS = 3;
  private static final String GROUP = "readers";
  private static final TopicPartition T0 = new TopicPartition("t", 0);
  private static final TopicPartition T1 = new TopicPartition("t", 1);

  /** A partition log in memory: replay gives its records; appends wait for the test. */
  private static final class MemoryLog implements OffsetsLog {
    final List<byte[][]> records = new ArrayList<>();
    final List<CompletableFuture<Long>> pending = new ArrayList<>();
    final List<ByteBuffer> appended = new ArrayList<>();
    final CountDownLatch replayMayFinish = new CountDownLatch(1);

    void add(byte[] key, byte[] value) {
      records.add(new byte[][] {key, value});
    }

    @Override
    public void replay(RecordVisitor visitor) {
      try {
        replayMayFinish.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = 0; i < records.size(); i++) {
        byte[][] r = records.get(i);
        visitor.record(i, ByteBuffer.wrap(r[0]), r[1] == null ? null : ByteBuffer.wrap(r[1]));
      }
    }

    @Override
    public synchronized CompletableFuture<Long> append(ByteBuffer batch) {
      appended.add(batch);
      CompletableFuture<Long> future = new CompletableFuture<>();
      pending.add(future);
      return future;
    }
  }

  private ManualScheduler scheduler;
  private ReplicatedGroupStorage storage;
  private GroupCoordinator coordinator;
  private final int partition = OffsetsTopic.partitionFor(GROUP, PARTITIONS);

  @BeforeEach
  void open() {
    scheduler = new ManualScheduler();
    storage = new ReplicatedGroupStorage();
    coordinator = new GroupCoordinator(GroupConfig.defaults(), scheduler, storage);
    storage.attach(coordinator);
  }

  @AfterEach
  void close() {
    coordinator.close();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private static CommittedOffsets.Committed at(long offset) {
    return new CommittedOffsets.Committed(offset, 1, "");
  }

  /** The committed offsets without their commit times. */
  private static Map<TopicPartition, Long> positions(
      Map<TopicPartition, CommittedOffsets.Committed> committed) {
    Map<TopicPartition, Long> out = new java.util.HashMap<>();
    committed.forEach((tp, c) -> out.put(tp, c.offset()));
    return out;
  }

  private static GroupSnapshot stableGroup(int generation) {
    return new GroupSnapshot(
        GROUP,
        generation,
        "consumer",
        "range",
        "m-1",
        List.of(
            new GroupSnapshot.MemberSnapshot(
                "m-1", null, "c", "/h", 10000, 30000, new byte[] {1}, new byte[] {2})));
  }

  private MemoryLog loaded() throws InterruptedException {
    MemoryLog log = new MemoryLog();
    log.replayMayFinish.countDown();
    storage.becameLeader(partition, PARTITIONS, 1, log);
    await("the partition loaded", () -> storage.ownership(GROUP) == Errors.NONE);
    return log;
  }

  @Test
  void takingOverLoadsTheLatestRecordOfEveryKey() throws Exception {
    assertEquals(Errors.NOT_COORDINATOR, storage.ownership(GROUP));
    MemoryLog log = new MemoryLog();
    log.add(OffsetsRecords.offsetKey(GROUP, T0), OffsetsRecords.offsetValue(at(5), 1));
    log.add(OffsetsRecords.offsetKey(GROUP, T1), OffsetsRecords.offsetValue(at(3), 1));
    log.add(OffsetsRecords.groupKey(GROUP), OffsetsRecords.groupValue(stableGroup(3), 1));
    log.add(OffsetsRecords.offsetKey(GROUP, T0), OffsetsRecords.offsetValue(at(9), 2));
    log.add(OffsetsRecords.offsetKey(GROUP, T1), null); // OffsetDelete
    log.add(OffsetsRecords.groupKey(GROUP), OffsetsRecords.groupValue(stableGroup(4), 2));
    log.add(OffsetsRecords.groupKey("gone"), OffsetsRecords.groupValue(stableGroup(1), 2));
    log.add(OffsetsRecords.groupKey("gone"), null); // DeleteGroups
    storage.becameLeader(partition, PARTITIONS, 7, log);
    assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS, storage.ownership(GROUP));
    assertEquals(Map.of(), storage.committed(GROUP));
    log.replayMayFinish.countDown();
    await("the partition loaded", () -> storage.ownership(GROUP) == Errors.NONE);

    assertEquals(Map.of(T0, 9L), positions(storage.committed(GROUP)));
    assertEquals(GroupState.STABLE, coordinator.state(GROUP));
    assertEquals(4, coordinator.generation(GROUP));
    assertNull(coordinator.state("gone"));
    // A group of another partition is not this broker's.
    String other = GROUP + "x";
    for (int i = 0; OffsetsTopic.partitionFor(other, PARTITIONS) == partition; i++) {
      other = GROUP + i;
    }
    assertEquals(Errors.NOT_COORDINATOR, storage.ownership(other));
  }

  @Test
  void aCommitIsAnsweredAndVisibleOnlyOnceItsAppendIsCommitted() throws Exception {
    MemoryLog log = loaded();
    CompletableFuture<Void> commit = storage.commit(GROUP, Map.of(T0, at(42)));
    assertFalse(commit.isDone(), "waits for the in-sync replicas");
    assertEquals(Map.of(), storage.committed(GROUP));
    // The batch holds Kafka's key and value for it.
    RecordBatch batch = new RecordBatchReader(log.appended.get(0)).next();
    Record record = batch.iterator().next();
    assertEquals(new OffsetsRecords.OffsetKey(GROUP, T0), OffsetsRecords.key(record.key()));
    assertEquals(42, OffsetsRecords.offsetValue(record.value()).offset());

    log.pending.get(0).complete(100L);
    commit.get(5, TimeUnit.SECONDS);
    assertEquals(Map.of(T0, 42L), positions(storage.committed(GROUP)));

    // Two commits whose appends complete out of order: the later record wins.
    CompletableFuture<Void> a = storage.commit(GROUP, Map.of(T0, at(50)));
    CompletableFuture<Void> b = storage.commit(GROUP, Map.of(T0, at(60)));
    log.pending.get(2).complete(102L);
    log.pending.get(1).complete(101L);
    CompletableFuture.allOf(a, b).get(5, TimeUnit.SECONDS);
    assertEquals(Map.of(T0, 60L), positions(storage.committed(GROUP)));

    // Deleting the group's offsets writes tombstones and forgets them once committed.
    CompletableFuture<Boolean> deleted = storage.deleteGroup(GROUP);
    RecordBatch tombstones = new RecordBatchReader(log.appended.get(3)).next();
    assertNull(tombstones.iterator().next().value());
    log.pending.get(3).complete(103L);
    assertTrue(deleted.get(5, TimeUnit.SECONDS));
    assertEquals(Map.of(), storage.committed(GROUP));
  }

  @Test
  void expiredOffsetsAndTheEmptyGroupAreTombstonedThroughTheLog() throws Exception {
    long retention = 60_000;
    String solo = GROUP + "-solo";
    for (int i = 0; OffsetsTopic.partitionFor(solo, PARTITIONS) != partition; i++) {
      solo = GROUP + "-solo-" + i;
    }
    MemoryLog log = new MemoryLog();
    log.add(OffsetsRecords.offsetKey(GROUP, T0), OffsetsRecords.offsetValue(at(5), 1_000));
    log.add(
        OffsetsRecords.groupKey(GROUP),
        OffsetsRecords.groupValue(
            new GroupSnapshot(GROUP, 3, "consumer", null, null, List.of()), 1_000));
    log.add(OffsetsRecords.offsetKey(solo, T1), OffsetsRecords.offsetValue(at(7), 1_000));
    log.replayMayFinish.countDown();
    storage.becameLeader(partition, PARTITIONS, 1, log);
    await("loaded", () -> storage.ownership(GROUP) == Errors.NONE);
    assertEquals(GroupState.EMPTY, coordinator.state(GROUP));
    assertEquals(1_000, storage.committed(solo).get(T1).commitTimestamp());

    // The standalone offset expires by its commit time; the Empty group's is counted from when
    // the coordinator first finds it Empty (it was loaded so), not from its commit.
    CompletableFuture<GroupCoordinator.ExpiredOffsets> first =
        coordinator.expireOffsets(storage, retention, 1_000 + retention);
    await("a tombstone appended", () -> log.appended.size() == 1);
    Record tombstone = new RecordBatchReader(log.appended.get(0)).next().iterator().next();
    assertEquals(new OffsetsRecords.OffsetKey(solo, T1), OffsetsRecords.key(tombstone.key()));
    assertNull(tombstone.value());
    assertFalse(first.isDone(), "answered once the tombstone is committed");
    log.pending.get(0).complete(10L);
    assertEquals(new GroupCoordinator.ExpiredOffsets(1, 0), first.get(5, TimeUnit.SECONDS));
    assertEquals(Map.of(), storage.committed(solo));
    assertEquals(Map.of(T0, 5L), positions(storage.committed(GROUP)));

    scheduler.advance(retention);
    CompletableFuture<GroupCoordinator.ExpiredOffsets> second =
        coordinator.expireOffsets(storage, retention, 1_000 + retention);
    await("the offset's tombstone", () -> log.appended.size() == 2);
    log.pending.get(1).complete(11L);
    await("the group's tombstone", () -> log.appended.size() == 3);
    Record group = new RecordBatchReader(log.appended.get(2)).next().iterator().next();
    assertEquals(new OffsetsRecords.GroupKey(GROUP), OffsetsRecords.key(group.key()));
    assertNull(group.value());
    log.pending.get(2).complete(12L);
    assertEquals(new GroupCoordinator.ExpiredOffsets(1, 1), second.get(5, TimeUnit.SECONDS));
    assertEquals(Map.of(), storage.committed(GROUP));
    assertNull(coordinator.state(GROUP));
  }

  private static Errors failure(CompletableFuture<?> future) {
    try {
      future.join();
      return Errors.NONE;
    } catch (CompletionException e) {
      return ((SluiceException) e.getCause()).error();
    }
  }

  @Test
  void failedAppendsGiveKafkasCoordinatorErrors() throws Exception {
    MemoryLog log = loaded();
    CompletableFuture<Void> fewReplicas = storage.commit(GROUP, Map.of(T0, at(1)));
    log.pending.get(0).completeExceptionally(new SluiceException(Errors.NOT_ENOUGH_REPLICAS, "x"));
    assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, failure(fewReplicas));
    CompletableFuture<Void> timedOut = storage.commit(GROUP, Map.of(T0, at(2)));
    log.pending.get(1).completeExceptionally(new SluiceException(Errors.REQUEST_TIMED_OUT, "x"));
    assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, failure(timedOut));
    CompletableFuture<Void> moved = storage.commit(GROUP, Map.of(T0, at(3)));
    log.pending
        .get(2)
        .completeExceptionally(new SluiceException(Errors.NOT_LEADER_OR_FOLLOWER, "x"));
    assertEquals(Errors.NOT_COORDINATOR, failure(moved));
    CompletableFuture<Void> tooLarge = storage.commit(GROUP, Map.of(T0, at(4)));
    log.pending.get(3).completeExceptionally(new SluiceException(Errors.MESSAGE_TOO_LARGE, "x"));
    assertEquals(Errors.INVALID_COMMIT_OFFSET_SIZE, failure(tooLarge));
    assertEquals(Map.of(), storage.committed(GROUP), "nothing failed is visible");
  }

  @Test
  void givingUpAPartitionForgetsItsGroupsAndAnswersNotCoordinator() throws Exception {
    MemoryLog log = new MemoryLog();
    log.add(OffsetsRecords.offsetKey(GROUP, T0), OffsetsRecords.offsetValue(at(5), 1));
    log.add(OffsetsRecords.groupKey(GROUP), OffsetsRecords.groupValue(stableGroup(2), 1));
    log.replayMayFinish.countDown();
    storage.becameLeader(partition, PARTITIONS, 1, log);
    await("loaded", () -> storage.ownership(GROUP) == Errors.NONE);
    assertEquals(GroupState.STABLE, coordinator.state(GROUP));

    storage.resigned(partition);
    assertEquals(Errors.NOT_COORDINATOR, storage.ownership(GROUP));
    assertEquals(Map.of(), storage.committed(GROUP));
    assertNull(coordinator.state(GROUP));
    assertEquals(Errors.NOT_COORDINATOR, failure(storage.commit(GROUP, Map.of(T0, at(6)))));

    // Taking it over again (a new epoch) loads it again.
    MemoryLog again = new MemoryLog();
    again.records.addAll(log.records);
    again.replayMayFinish.countDown();
    storage.becameLeader(partition, PARTITIONS, 2, again);
    await("loaded again", () -> storage.ownership(GROUP) == Errors.NONE);
    assertEquals(Map.of(T0, 5L), positions(storage.committed(GROUP)));
    assertEquals(2, coordinator.generation(GROUP));
  }
}
