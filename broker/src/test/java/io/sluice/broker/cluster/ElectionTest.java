package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The controller's leader choice (only from the in-sync replicas, never unclean) and the placement
 * of several replicas per partition.
 */
class ElectionTest {
  private static PartitionState state(int leader, List<Integer> isr, long leaderBrokerEpoch) {
    return new PartitionState(leader, 5, isr, 1, leaderBrokerEpoch);
  }

  @Test
  void newPartition_firstLiveReplicaLeads_everyReplicaInSync() {
    Controller.Election e = Controller.elect(List.of(2, 3, 1), null, Map.of(3, 30L, 1, 10L));
    assertEquals(new Controller.Election(3, List.of(2, 3, 1)), e);
  }

  @Test
  void liveLeaderInTheSameIncarnation_nothingChanges() {
    assertNull(
        Controller.elect(List.of(1, 2, 3), state(1, List.of(1, 2), 10), Map.of(1, 10L, 2, 20L)));
  }

  @Test
  void lostLeader_nextLiveInSyncReplicaLeads_withTheDeadLeftOutOfTheIsr() {
    Controller.Election e =
        Controller.elect(List.of(1, 2, 3), state(1, List.of(1, 3), 10), Map.of(2, 20L, 3, 30L));
    assertEquals(new Controller.Election(3, List.of(3)), e, "2 is live but not in sync");
  }

  @Test
  void noLiveInSyncReplica_offline_withTheIsrKeptForItsReturn() {
    Controller.Election e =
        Controller.elect(List.of(1, 2, 3), state(1, List.of(1), 10), Map.of(2, 20L, 3, 30L));
    assertEquals(new Controller.Election(-1, List.of(1)), e);
    Controller.Election back =
        Controller.elect(
            List.of(1, 2, 3), state(-1, List.of(1), -1), Map.of(1, 11L, 2, 20L, 3, 30L));
    assertEquals(new Controller.Election(1, List.of(1)), back);
  }

  @Test
  void restartedLeader_anotherInSyncReplicaTakesOver_elseItLeadsAgain() {
    assertEquals(
        new Controller.Election(2, List.of(1, 2)),
        Controller.elect(List.of(1, 2), state(1, List.of(1, 2), 10), Map.of(1, 11L, 2, 20L)));
    assertEquals(
        new Controller.Election(1, List.of(1)),
        Controller.elect(List.of(1), state(1, List.of(1), 10), Map.of(1, 11L)));
  }

  @Test
  void preferredLeaderElection_movesLeadershipBackOnceThePreferredReplicaIsInSync() {
    PartitionState ledBy2 = state(2, List.of(2, 3), 20);
    Map<Integer, Long> live = Map.of(1, 11L, 2, 20L, 3, 30L);
    assertNull(Controller.elect(List.of(1, 2, 3), ledBy2, live, true), "1 is not in sync yet");
    PartitionState synced = state(2, List.of(2, 3, 1), 20);
    assertEquals(
        new Controller.Election(1, List.of(2, 3, 1)),
        Controller.elect(List.of(1, 2, 3), synced, live, true));
    assertNull(Controller.elect(List.of(1, 2, 3), synced, live, false), "switched off");
  }

  private static BrokerInfo broker(int id, String rack) {
    return new BrokerInfo(
        id,
        List.of(new io.sluice.broker.config.Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id)),
        rack,
        id);
  }

  @Test
  void placement_replicasOnDifferentBrokers_leadersSpread() {
    List<List<Integer>> a =
        Placement.assign(
            6, 3, List.of(broker(1, null), broker(2, null), broker(3, null)), Map.of());
    assertEquals(List.of(1, 2, 3), a.get(0));
    assertEquals(List.of(2, 3, 1), a.get(1));
    assertEquals(List.of(3, 1, 2), a.get(2));
    for (List<Integer> replicas : a) {
      assertEquals(3, new HashSet<>(replicas).size());
    }
  }

  @Test
  void placement_withRacks_replicasOfAPartitionSpanTheRacks() {
    List<BrokerInfo> live = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, "b"));
    for (List<Integer> replicas : Placement.assign(8, 2, live, Map.of())) {
      Set<String> racks = new HashSet<>();
      for (int id : replicas) {
        racks.add(id <= 2 ? "a" : "b");
      }
      assertEquals(2, racks.size(), "replicas " + replicas);
    }
  }

  @Test
  void placement_moreReplicasThanBrokers_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Placement.assign(1, 3, List.of(broker(1, null), broker(2, null)), Map.of()));
  }
}
