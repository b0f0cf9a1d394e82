package io.sluice.client.internal.group;

import static io.sluice.client.internal.group.ScriptedGroupClient.joinError;
import static io.sluice.client.internal.group.ScriptedGroupClient.joined;
import static io.sluice.client.internal.group.ScriptedGroupClient.synced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.ConsumerRebalanceListener;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.testing.ExpectedLogs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The membership state machine against a scripted coordinator and an injected clock. */
class GroupMembershipTest {
  private static final TopicPartition T0 = new TopicPartition("t", 0);
  private static final TopicPartition T1 = new TopicPartition("t", 1);
  private static final TopicPartition T2 = new TopicPartition("t", 2);

  private final ScriptedGroupClient coordinator = new ScriptedGroupClient();
  private final List<String> events = new ArrayList<>();
  private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
  private final List<Map<TopicPartition, Long>> commits = new ArrayList<>();
  private long now = 1_000;

  private final GroupMembership.Host host =
      new GroupMembership.Host(
          partitions -> {
            events.add("assign " + partitions);
            positions.keySet().retainAll(partitions);
            partitions.forEach(tp -> positions.putIfAbsent(tp, 0L));
          },
          () -> new LinkedHashMap<>(positions),
          offsets -> {
            commits.add(Map.copyOf(offsets));
            events.add("commit " + offsets);
            return CompletableFuture.completedFuture(null);
          });

  private final ConsumerRebalanceListener listener =
      new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          events.add("revoked " + partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          events.add("assigned " + partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          events.add("lost " + partitions);
        }
      };

  private GroupMembership membership(boolean autoCommit, String instanceId) {
    GroupSettings settings =
        new GroupSettings(
            "g",
            instanceId,
            45_000,
            300_000,
            3_000,
            List.of(new RangeAssignor(), new RoundRobinAssignor()),
            autoCommit,
            5_000,
            100,
            1_000);
    coordinator.partitionCounts.put("t", 3);
    return new GroupMembership(settings, coordinator, host, () -> now, false);
  }

  /** Scripts a first join where this member ("m-1") leads a group of itself alone. */
  private void scriptSoloJoin(int generation) {
    coordinator.joinAnswers.add(joinError(Errors.MEMBER_ID_REQUIRED, "m-1"));
    coordinator.joinAnswers.add(leaderAlone(generation));
    coordinator.syncAnswers.add(synced(List.of(T0, T1, T2)));
  }

  private static JoinGroupResponse leaderAlone(int generation) {
    JoinGroupResponse r = joined(generation, "m-1", "m-1", "range");
    r.setMembers(
        List.of(
            new JoinGroupResponse.JoinGroupResponseMember()
                .setMemberId("m-1")
                .setMetadata(ConsumerProtocol.subscription(List.of("t"), List.of()))));
    return r;
  }

  @Test
  void poll_memberIdRequired_rejoinsWithGivenIdAndLeadsAssignment() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);

    assertFalse(m.poll(), "the first poll starts the join");
    assertTrue(m.poll(), "the second poll takes the completed join");

    assertEquals(2, coordinator.joins.size());
    assertEquals("", coordinator.joins.get(0).memberId());
    assertEquals("m-1", coordinator.joins.get(1).memberId());
    assertEquals("consumer", coordinator.joins.get(1).protocolType());
    assertEquals(
        List.of("range", "roundrobin"),
        coordinator.joins.get(1).protocols().stream().map(p -> p.name()).toList());
    assertEquals(1, coordinator.syncs.size());
    assertEquals(1, coordinator.syncs.get(0).generationId());
    assertEquals(1, coordinator.syncs.get(0).assignments().size());
    assertEquals(
        List.of(T0, T1, T2),
        ConsumerProtocol.assignedPartitions(
            coordinator.syncs.get(0).assignments().get(0).assignment()));
    assertEquals(
        List.of("assign []", "assign [t-0, t-1, t-2]", "assigned [t-0, t-1, t-2]"), events);
    assertEquals(List.of("1/m-1"), coordinator.commitIdentities);
  }

  @Test
  void poll_asFollower_syncsWithoutAssignments() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    coordinator.joinAnswers.add(joined(4, "m-2", "m-1", "roundrobin"));
    coordinator.syncAnswers.add(synced(List.of(T1)));
    m.poll();
    assertTrue(m.poll());
    assertEquals(List.of(), coordinator.syncs.get(0).assignments());
    assertEquals("roundrobin", coordinator.syncs.get(0).protocolName());
    assertEquals("assigned [t-1]", events.get(events.size() - 1));
  }

  @Test
  void heartbeat_rebalanceInProgress_commitsRevokesAndRejoinsWithSameId() {
    GroupMembership m = membership(true, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    positions.put(T0, 42L);
    events.clear();

    coordinator.heartbeatAnswers.add(ScriptedGroupClient.heartbeat(Errors.REBALANCE_IN_PROGRESS));
    m.heartbeatTick();
    assertEquals(1, coordinator.heartbeats.size());
    assertEquals("m-1", coordinator.heartbeats.get(0).memberId());
    assertEquals(1, coordinator.heartbeats.get(0).generationId());

    coordinator.joinAnswers.add(leaderAlone(2));
    coordinator.syncAnswers.add(synced(List.of(T2)));
    assertFalse(m.poll());
    assertEquals(Map.of(T0, 42L, T1, 0L, T2, 0L), commits.get(0));
    assertEquals("m-1", coordinator.joins.get(coordinator.joins.size() - 1).memberId());
    assertTrue(m.poll());
    assertEquals(
        List.of(
            "commit {t-0=42, t-1=0, t-2=0}",
            "revoked [t-0, t-1, t-2]",
            "assign []",
            "assign [t-2]",
            "assigned [t-2]"),
        events);
    assertEquals(2, m.generationId());
  }

  @Test
  void heartbeat_unknownMemberId_rejoinsWithoutMemberId() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    coordinator.heartbeatAnswers.add(ScriptedGroupClient.heartbeat(Errors.UNKNOWN_MEMBER_ID));
    m.heartbeatTick();
    scriptSoloJoin(2);
    assertFalse(m.poll());
    assertEquals("", coordinator.joins.get(2).memberId());
    assertTrue(m.poll());
    assertEquals(2, m.generationId());
  }

  @Test
  void heartbeat_lateRebalanceAnswerDuringRejoin_causesNoSecondRejoin() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    CompletableFuture<Object> heartbeat = new CompletableFuture<>();
    coordinator.heartbeatAnswers.add(heartbeat);
    m.heartbeatTick();

    CompletableFuture<Object> join = new CompletableFuture<>();
    coordinator.joinAnswers.add(join);
    m.subscribe(List.of("t", "u"), listener);
    assertFalse(m.poll(), "rejoin under way");
    heartbeat.complete(ScriptedGroupClient.heartbeat(Errors.REBALANCE_IN_PROGRESS));
    coordinator.syncAnswers.add(synced(List.of(T0)));
    join.complete(leaderAlone(2));

    assertTrue(m.poll());
    assertTrue(m.poll());
    assertEquals(3, coordinator.joins.size(), "two for the first join, one for the rejoin");
    assertEquals(2, m.generationId());
  }

  @Test
  void heartbeat_notDueYet_sendsNothingUntilInterval() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    coordinator.heartbeatAnswers.add(ScriptedGroupClient.heartbeat(Errors.NONE));
    coordinator.heartbeatAnswers.add(ScriptedGroupClient.heartbeat(Errors.NONE));
    m.heartbeatTick();
    now += 2_999;
    m.heartbeatTick();
    assertEquals(1, coordinator.heartbeats.size());
    now += 1;
    m.heartbeatTick();
    assertEquals(2, coordinator.heartbeats.size());
    assertTrue(m.poll());
  }

  @Test
  void join_illegalGeneration_rejoinsAtOnce() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    coordinator.joinAnswers.add(joinError(Errors.ILLEGAL_GENERATION, ""));
    m.poll();
    scriptSoloJoin(1);
    assertFalse(m.poll(), "takes the failure and starts the next join at once");
    assertEquals(3, coordinator.joins.size());
    assertTrue(m.poll());
  }

  @Test
  void join_notCoordinator_looksUpCoordinatorAndRetriesAfterBackoff() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    coordinator.joinAnswers.add(joinError(Errors.NOT_COORDINATOR, ""));
    m.poll();
    m.poll();
    assertEquals(1, coordinator.coordinatorLookups);
    assertEquals(1, coordinator.joins.size());
    now += 99;
    m.poll();
    assertEquals(1, coordinator.joins.size(), "still backing off");
    now += 1;
    scriptSoloJoin(1);
    m.poll();
    assertEquals(3, coordinator.joins.size());
    assertTrue(m.poll());
  }

  @Test
  void sync_connectionLost_retriesJoin() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    coordinator.joinAnswers.add(leaderAlone(1));
    coordinator.syncAnswers.add(ScriptedGroupClient.connectionLost());
    m.poll();
    assertFalse(m.poll());
    now += 100;
    coordinator.joinAnswers.add(leaderAlone(2));
    coordinator.syncAnswers.add(synced(List.of(T0)));
    m.poll();
    assertTrue(m.poll());
    assertEquals("m-1", coordinator.joins.get(1).memberId());
    assertEquals(
        List.of("1", "2"), coordinator.syncs.stream().map(s -> "" + s.generationId()).toList());
  }

  @Test
  void join_groupAuthorizationFailed_failsPoll() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    coordinator.joinAnswers.add(joinError(Errors.GROUP_AUTHORIZATION_FAILED, ""));
    m.poll();
    SluiceClientException e = assertThrows(SluiceClientException.class, m::poll);
    assertEquals(Errors.GROUP_AUTHORIZATION_FAILED, e.error());
  }

  @Test
  void heartbeat_maxPollIntervalMissed_leavesAndReportsPartitionsLost() {
    ExpectedLogs.warn(Heartbeater.class, "did not poll for");
    GroupMembership m = membership(true, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    events.clear();
    now += 300_001;
    m.heartbeatTick();
    assertEquals(0, coordinator.heartbeats.size());
    assertEquals(1, coordinator.leaves.size());
    assertEquals("m-1", coordinator.leaves.get(0).members().get(0).memberId());
    assertEquals("-1/", coordinator.commitIdentities.get(coordinator.commitIdentities.size() - 1));

    scriptSoloJoin(2);
    m.poll();
    assertEquals(List.of("assign []", "lost [t-0, t-1, t-2]"), events.subList(0, 2));
    assertTrue(commits.isEmpty(), "no commit for partitions already given away");
    assertEquals("", coordinator.joins.get(2).memberId());
  }

  @Test
  void close_stableMember_commitsRevokesAndLeaves() {
    GroupMembership m = membership(true, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    positions.put(T1, 7L);
    events.clear();
    m.close();
    assertEquals(Map.of(T0, 0L, T1, 7L, T2, 0L), commits.get(0));
    assertTrue(events.contains("revoked [t-0, t-1, t-2]"));
    assertEquals(1, coordinator.leaves.size());
    assertEquals("m-1", coordinator.leaves.get(0).memberId());
  }

  @Test
  void close_staticMember_doesNotLeave() {
    GroupMembership m = membership(false, "instance-a");
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    m.poll();
    assertEquals("instance-a", coordinator.joins.get(0).groupInstanceId());
    m.close();
    assertEquals(0, coordinator.leaves.size());
  }

  @Test
  void subscribe_pattern_joinsWithMatchingTopicsAndRejoinsWhenOneAppears() {
    GroupMembership m = membership(false, null);
    coordinator.topicNames.addAll(
        List.of("orders-eu", "orders-us", "payments", "__consumer_offsets"));
    m.subscribe(Pattern.compile("orders-.*"), listener);
    coordinator.joinAnswers.add(joined(1, "m-1", "m-2", "range"));
    coordinator.syncAnswers.add(synced(List.of()));
    m.poll();
    assertTrue(m.poll());
    assertEquals(
        List.of("orders-eu", "orders-us"),
        ConsumerProtocol.subscribedTopics(coordinator.joins.get(0).protocols().get(0).metadata()));

    coordinator.topicNames.add("orders-jp");
    now += GroupMembership.PATTERN_RECHECK_MS;
    assertTrue(m.poll(), "starts the lookup");
    assertFalse(m.poll(), "sees the new topic");
    coordinator.joinAnswers.add(joined(2, "m-1", "m-2", "range"));
    coordinator.syncAnswers.add(synced(List.of()));
    m.poll();
    assertEquals(
        List.of("orders-eu", "orders-jp", "orders-us"),
        ConsumerProtocol.subscribedTopics(coordinator.joins.get(1).protocols().get(0).metadata()));
  }

  @Test
  void subscribe_otherTopicsWhileStable_rejoins() {
    GroupMembership m = membership(false, null);
    m.subscribe(List.of("t"), listener);
    scriptSoloJoin(1);
    m.poll();
    assertTrue(m.poll());
    m.subscribe(List.of("t", "u"), listener);
    coordinator.joinAnswers.add(joined(2, "m-1", "m-2", "range"));
    coordinator.syncAnswers.add(synced(List.of()));
    assertFalse(m.poll());
    assertEquals(
        List.of("t", "u"),
        ConsumerProtocol.subscribedTopics(coordinator.joins.get(2).protocols().get(0).metadata()));
  }
}
