package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.metadata.LeaderElection;
import io.sluice.protocol.Errors;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller's decisions for leader election on request (Kafka's rules for PREFERRED and
 * UNCLEAN) and the request znode's JSON.
 */
class RequestedElectionTest {
  private static final LeaderElection.Partition TP = new LeaderElection.Partition("t", 0);
  private static final int CONTROLLER_EPOCH = 7;

  private static PartitionState state(int leader, List<Integer> isr, long leaderBrokerEpoch) {
    return new PartitionState(leader, 5, isr, 1, leaderBrokerEpoch);
  }

  private static RequestedElection.Decision preferred(
      List<Integer> replicas, PartitionState state, Map<Integer, Long> live) {
    return RequestedElection.decide(
        LeaderElection.Type.PREFERRED, TP, replicas, state, live, CONTROLLER_EPOCH);
  }

  private static RequestedElection.Decision unclean(
      List<Integer> replicas, PartitionState state, Map<Integer, Long> live) {
    return RequestedElection.decide(
        LeaderElection.Type.UNCLEAN, TP, replicas, state, live, CONTROLLER_EPOCH);
  }

  @Test
  void preferred_liveInSyncPreferredReplicaTakesOver_withANewEpochAndTheLiveIsr() {
    RequestedElection.Decision d =
        preferred(List.of(1, 2, 3), state(2, List.of(2, 3, 1), 20), Map.of(1, 11L, 2, 20L, 3, 30L));
    assertEquals(new PartitionState(1, 6, List.of(2, 3, 1), CONTROLLER_EPOCH, 11L), d.next());
    assertEquals(new RequestedElection.Outcome(Errors.NONE, null, 1, 6), d.outcome());
  }

  @Test
  void preferred_deadIsrMembersAreLeftOut() {
    RequestedElection.Decision d =
        preferred(List.of(1, 2, 3), state(2, List.of(2, 3, 1), 20), Map.of(1, 11L, 2, 20L));
    assertEquals(List.of(2, 1), d.next().isr());
  }

  @Test
  void preferred_alreadyLeading_electionNotNeeded() {
    RequestedElection.Decision d =
        preferred(List.of(1, 2, 3), state(1, List.of(1, 2, 3), 10), Map.of(1, 10L, 2, 20L));
    assertNull(d.next());
    assertEquals(Errors.ELECTION_NOT_NEEDED, d.outcome().error());
  }

  @Test
  void preferred_notLiveOrNotInSync_preferredLeaderNotAvailable() {
    RequestedElection.Decision down =
        preferred(List.of(1, 2, 3), state(2, List.of(2, 3), 20), Map.of(2, 20L, 3, 30L));
    assertNull(down.next());
    assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, down.outcome().error());
    assertTrue(down.outcome().message().contains("not live"), down.outcome().message());

    RequestedElection.Decision behind =
        preferred(List.of(1, 2, 3), state(2, List.of(2, 3), 20), Map.of(1, 11L, 2, 20L, 3, 30L));
    assertNull(behind.next());
    assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, behind.outcome().error());
    assertTrue(behind.outcome().message().contains("[2, 3]"), behind.outcome().message());
  }

  @Test
  void preferred_offlinePartitionWhosePreferredReplicaIsDown_notAvailable() {
    RequestedElection.Decision d = preferred(List.of(1), state(-1, List.of(1), -1), Map.of());
    assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, d.outcome().error());
  }

  @Test
  void unclean_liveLeader_electionNotNeeded() {
    RequestedElection.Decision d =
        unclean(List.of(1, 2, 3), state(2, List.of(2), 20), Map.of(1, 10L, 2, 20L, 3, 30L));
    assertNull(d.next());
    assertEquals(Errors.ELECTION_NOT_NEEDED, d.outcome().error());
  }

  @Test
  void unclean_noInSyncReplicaLive_firstLiveReplicaLeadsAlone() {
    RequestedElection.Decision d =
        unclean(List.of(1, 2, 3), state(-1, List.of(1), -1), Map.of(2, 20L, 3, 30L));
    assertEquals(new PartitionState(2, 6, List.of(2), CONTROLLER_EPOCH, 20L), d.next());
    assertEquals(new RequestedElection.Outcome(Errors.NONE, null, 2, 6), d.outcome());
  }

  @Test
  void unclean_anInSyncReplicaIsLive_itIsPreferredToAnOutOfSyncOne() {
    RequestedElection.Decision d =
        unclean(List.of(1, 2, 3), state(-1, List.of(1, 3), -1), Map.of(2, 20L, 3, 30L));
    assertEquals(new PartitionState(3, 6, List.of(3), CONTROLLER_EPOCH, 30L), d.next());
  }

  @Test
  void unclean_leaderOfAnOlderIncarnation_isNotALiveLeader() {
    RequestedElection.Decision d =
        unclean(List.of(1, 2), state(1, List.of(1), 10), Map.of(1, 11L, 2, 20L));
    assertEquals(new PartitionState(1, 6, List.of(1), CONTROLLER_EPOCH, 11L), d.next());
  }

  @Test
  void unclean_noReplicaLive_eligibleLeadersNotAvailable() {
    RequestedElection.Decision d =
        unclean(List.of(1, 2), state(-1, List.of(1), -1), Map.of(3, 30L));
    assertNull(d.next());
    assertEquals(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, d.outcome().error());
  }

  @Test
  void noStateYet_notAvailableForEitherType() {
    assertEquals(
        Errors.PREFERRED_LEADER_NOT_AVAILABLE,
        preferred(List.of(1), null, Map.of(1, 1L)).outcome().error());
    assertEquals(
        Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
        unclean(List.of(1), null, Map.of(1, 1L)).outcome().error());
  }

  @Test
  void requestJson_roundTripsWithAndWithoutResults() {
    LeaderElection.Partition other = new LeaderElection.Partition("u", 3);
    RequestedElection.Request request =
        new RequestedElection.Request(LeaderElection.Type.UNCLEAN, List.of(TP, other), null);
    byte[] json = ZkJson.electionRequest(request);
    assertEquals(
        "{\"version\":1,\"election_type\":1,\"partitions\":"
            + "[{\"topic\":\"t\",\"partition\":0},{\"topic\":\"u\",\"partition\":3}]}",
        new String(json, StandardCharsets.UTF_8));
    assertEquals(request, ZkJson.electionRequest("/r", json));

    Map<LeaderElection.Partition, RequestedElection.Outcome> results = new LinkedHashMap<>();
    results.put(TP, new RequestedElection.Outcome(Errors.NONE, null, 2, 6));
    results.put(
        other,
        RequestedElection.Outcome.refused(Errors.UNKNOWN_TOPIC_OR_PARTITION, "no such partition"));
    RequestedElection.Request answered =
        new RequestedElection.Request(LeaderElection.Type.UNCLEAN, List.of(TP, other), results);
    RequestedElection.Request read = ZkJson.electionRequest("/r", ZkJson.electionRequest(answered));
    assertEquals(answered, read);
    assertTrue(read.answered());
  }
}
