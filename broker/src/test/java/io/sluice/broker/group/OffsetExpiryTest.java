package io.sluice.broker.group;

import static io.sluice.broker.group.GroupHarness.GROUP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.broker.storage.TopicPartition;
import io.sluice.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offset expiry with Kafka's rules since KIP-211, on the coordinator's manual clock and a manual
 * wall clock for commit times (nothing sleeps): a group's offsets outlive its last member by the
 * retention, whatever their commit times; a group without members loses each offset by its own
 * commit time; a group left Empty without offsets is removed, durably; the periodic check runs at
 * its interval.
 */
class OffsetExpiryTest {
  private static final long RETENTION_MS = 60_000;
  private static final TopicPartition T0 = new TopicPartition("t", 0);
  private static final TopicPartition T1 = new TopicPartition("t", 1);

  @RegisterExtension final GroupHarness harness = new GroupHarness();

  private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
  private CommittedOffsets offsets;

  @BeforeEach
  void openOffsets() {
    offsets = CommittedOffsets.open(harness.dir, wall::get);
  }

  @AfterEach
  void closeOffsets() {
    offsets.close();
  }

  /** Waits for a future that the offsets' writer thread and the manual clock's tasks complete. */
  private <T> T settle(CompletableFuture<T> future) {
    Await.until(
        "the write to complete",
        () -> {
          harness.clock.runDue();
          return future.isDone();
        });
    return future.join();
  }

  private void commit(String group, TopicPartition tp, long offset) {
    settle(offsets.commit(group, Map.of(tp, new CommittedOffsets.Committed(offset, 1, ""))));
  }

  private GroupCoordinator.ExpiredOffsets expire() {
    return settle(harness.coordinator.expireOffsets(offsets, RETENTION_MS, wall.get()));
  }

  private List<JoinResult> stableGroup() {
    List<JoinResult> joined = harness.formGroup(1);
    harness.syncAll(joined);
    harness.clock.runDue();
    return joined;
  }

  @Test
  void withoutMembers_eachOffsetExpiresByItsOwnCommitTime() {
    commit("solo", T0, 5);
    long first = wall.get();
    wall.addAndGet(10_000);
    commit("solo", T1, 7);
    assertEquals(first, offsets.committed("solo").get(T0).commitTimestamp());

    wall.set(first + RETENTION_MS - 1);
    assertEquals(new GroupCoordinator.ExpiredOffsets(0, 0), expire());
    assertEquals(Set.of(T0, T1), offsets.committed("solo").keySet());

    wall.set(first + RETENTION_MS);
    assertEquals(new GroupCoordinator.ExpiredOffsets(1, 0), expire());
    assertEquals(Set.of(T1), offsets.committed("solo").keySet());
    assertEquals(7, offsets.committed("solo").get(T1).offset());

    wall.set(first + 10_000 + RETENTION_MS);
    assertEquals(new GroupCoordinator.ExpiredOffsets(1, 0), expire());
    assertEquals(Set.of(), offsets.groupIds());

    // Durable: a reopened store has none of them.
    offsets.close();
    offsets = CommittedOffsets.open(harness.dir, wall::get);
    assertEquals(Map.of(), offsets.committed("solo"));
  }

  @Test
  void aGroupsOffsetsOutliveItsLastMemberByTheRetention_thenTheGroupGoes() {
    List<JoinResult> joined = stableGroup();
    commit(GROUP, T0, 42);

    // Members: nothing expires, however old the commit.
    wall.addAndGet(10 * RETENTION_MS);
    assertEquals(new GroupCoordinator.ExpiredOffsets(0, 0), expire());
    assertEquals(42, offsets.committed(GROUP).get(T0).offset());

    harness.coordinator.leave(GROUP, List.of(new MemberIdentity(joined.get(0).memberId(), null)));
    harness.clock.runDue();
    assertEquals(GroupState.EMPTY, harness.coordinator.state(GROUP));

    // Empty for less than the retention: kept, although the commit is older than it.
    harness.clock.advance(RETENTION_MS - 1);
    assertEquals(new GroupCoordinator.ExpiredOffsets(0, 0), expire());
    assertEquals(Set.of(T0), offsets.committed(GROUP).keySet());

    harness.clock.advance(1);
    assertEquals(new GroupCoordinator.ExpiredOffsets(1, 1), expire());
    harness.clock.runDue();
    assertEquals(Map.of(), offsets.committed(GROUP));
    assertNull(harness.coordinator.state(GROUP), "the Empty group without offsets is removed");

    // Durably: after a restart the group is not restored.
    harness.restart();
    assertNull(harness.coordinator.state(GROUP));
  }

  @Test
  void anEmptyGroupThatNeverCommittedIsRemoved_aNewJoinStartsAFreshGroup() {
    List<JoinResult> joined = stableGroup();
    harness.coordinator.leave(GROUP, List.of(new MemberIdentity(joined.get(0).memberId(), null)));
    harness.clock.runDue();
    assertEquals(new GroupCoordinator.ExpiredOffsets(0, 1), expire());
    assertNull(harness.coordinator.state(GROUP));

    List<JoinResult> again = stableGroup();
    assertEquals(1, again.get(0).generationId());
    assertEquals(GroupState.STABLE, harness.coordinator.state(GROUP));
  }

  @Test
  void thePeriodicCheckRunsAtItsInterval() {
    commit("solo", T0, 5);
    wall.addAndGet(RETENTION_MS);
    harness.coordinator.expireOffsetsPeriodically(
        offsets, new OffsetRetention(RETENTION_MS, 1_000), wall::get);
    harness.clock.advance(999);
    assertEquals(Set.of(T0), offsets.committed("solo").keySet());
    harness.clock.advance(1);
    Await.until("the first check", () -> offsets.committed("solo").isEmpty());

    commit("solo", T1, 6);
    wall.addAndGet(RETENTION_MS);
    harness.clock.advance(1_000);
    Await.until("the second check (it re-arms itself)", () -> offsets.committed("solo").isEmpty());
  }
}
