package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SecurityProtocol;
import io.sluice.broker.config.ZooKeeperConfig;
import io.sluice.broker.metadata.TopicAdmin.ReassignmentOutcome;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's side of partition reassignment with three cluster members on an in-process
 * ZooKeeper (their ZooKeeper side only; the leader's ISR changes are written as a leader writes
 * them): a reassignment recorded by any member waits for its target to be in sync, completes with a
 * new leader epoch, moves leadership off a removed leader, and a replaced reassignment's dropped
 * in-sync replica is taken out of the ISR.
 */
class ReassignmentControllerTest {
  private static final long WAIT_MS = 20_000;

  private TestingServer zk;
  private final Map<Integer, ZkCluster> members = new TreeMap<>();

  @BeforeEach
  void start() throws Exception {
    zk = ZooKeeperServers.standalone();
    for (int id = 1; id <= 3; id++) {
      ZkCluster member =
          ZkCluster.connect(
              new ZooKeeperConfig(zk.getConnectString(), "sluice", 3000, 5000, null),
              id,
              "cluster");
      members.put(id, member);
      member.register(
          List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id)),
          Map.of("PLAINTEXT", SecurityProtocol.PLAINTEXT));
    }
    waitFor(
        "three brokers and a controller everywhere",
        () ->
            members.values().stream()
                .allMatch(
                    m -> m.snapshot().brokers().size() == 3 && m.snapshot().controllerId() > 0));
  }

  @AfterEach
  void stop() throws Exception {
    for (ZkCluster member : members.values()) {
      member.close();
    }
    zk.close();
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Waits until member 1, whose view the checks read, shows the topic with its state. */
  private void awaitTopic() throws InterruptedException {
    waitFor(
        "the topic's state in member 1's view",
        () -> {
          TopicInfo t = members.get(1).snapshot().topic("t");
          return t != null && t.complete();
        });
  }

  /** The partition's state as member 1 sees it (waited for by the callers). */
  private PartitionState state() {
    return members.get(1).snapshot().topic("t").states().get(0);
  }

  private List<Integer> replicas() {
    return members.get(1).snapshot().topic("t").replicas().get(0);
  }

  private Map<Integer, ReassignmentOutcome> reassign(int via, List<Integer> target) {
    Map<Integer, List<Integer>> targets = new HashMap<>();
    targets.put(0, target);
    return new ZkReassignments(members.get(via)).reassign("t", targets, true, WAIT_MS);
  }

  /**
   * The partition's leader adds {@code replica} to the ISR, as it does for a caught-up follower.
   */
  private void inSync(int replica) throws InterruptedException {
    PartitionState s = state();
    assertNotNull(
        members
            .get(s.leader())
            .updateIsr(
                "t",
                0,
                s.leaderEpoch(),
                isr -> {
                  List<Integer> next = new ArrayList<>(isr);
                  next.add(replica);
                  return next;
                }));
  }

  @Test
  void aReassignmentCompletesOnceItsTargetIsInSync_andAReplacedOneDropsItsInSyncReplica()
      throws Exception {
    assertEquals(ZkCluster.Outcome.OK, members.get(2).createTopic("t", 1, false, WAIT_MS));
    awaitTopic();
    int leader = state().leader();
    List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
    others.remove(Integer.valueOf(leader));
    int x = others.get(0);
    int y = others.get(1);

    // Any member records it: 1 -> 3 replicas; it waits for the new replicas.
    assertEquals(Map.of(0, ReassignmentOutcome.OK), reassign(x, List.of(leader, x, y)));
    waitFor("the reassignment everywhere", () -> replicas().equals(List.of(leader, x, y)));
    assertEquals(
        new PartitionAssignment(List.of(leader, x, y), List.of(x, y), List.of()),
        members.get(1).snapshot().topic("t").reassignments().get(0));
    inSync(x);
    waitFor("x in the ISR", () -> state().isr().equals(List.of(leader, x)));
    assertEquals(0, state().leaderEpoch(), "not complete: y is not in sync");

    // Replaced before y caught up, by a target without x: x leaves the ISR, in a new epoch.
    assertEquals(Map.of(0, ReassignmentOutcome.OK), reassign(y, List.of(leader, y)));
    waitFor("x out of the ISR", () -> state().isr().equals(List.of(leader)));
    assertEquals(1, state().leaderEpoch());
    waitFor("the replaced assignment", () -> replicas().equals(List.of(leader, y)));

    // y catches up: complete, same leader, new epoch, nothing adding any more.
    inSync(y);
    waitFor(
        "the reassignment completed",
        () -> members.get(1).snapshot().topic("t").reassignments().isEmpty());
    waitFor("the completed state", () -> state().leaderEpoch() == 2);
    assertEquals(List.of(leader, y), replicas());
    assertEquals(leader, state().leader());
    assertEquals(List.of(leader, y), state().isr());

    // The leader leaves: [leader, y] -> [x, y]; once x is in sync, x leads (first in sync).
    assertEquals(Map.of(0, ReassignmentOutcome.OK), reassign(leader, List.of(x, y)));
    waitFor("the move recorded", () -> replicas().equals(List.of(x, y, leader)));
    inSync(x);
    waitFor("the move completed", () -> replicas().equals(List.of(x, y)));
    waitFor("x leading", () -> state().leader() == x);
    assertEquals(List.of(y, x), state().isr());
    assertEquals(3, state().leaderEpoch());
    assertEquals(members.get(x).brokerEpoch(), state().leaderBrokerEpoch());

    assertEquals(
        Errors.NO_REASSIGNMENT_IN_PROGRESS, reassign(1, null).get(0).error(), "nothing to cancel");
    assertEquals(
        Errors.INVALID_REPLICA_ASSIGNMENT, reassign(1, List.of(x, 9)).get(0).error(), "broker 9");
  }

  @Test
  void aCancellationRestoresTheOriginalReplicas() throws Exception {
    assertEquals(ZkCluster.Outcome.OK, members.get(1).createTopic("t", 1, 1, false, WAIT_MS));
    awaitTopic();
    int leader = state().leader();
    int other = leader % 3 + 1;
    assertEquals(Map.of(0, ReassignmentOutcome.OK), reassign(1, List.of(other)));
    waitFor("recorded", () -> replicas().equals(List.of(other, leader)));
    assertEquals(Map.of(0, ReassignmentOutcome.OK), reassign(2, null));
    waitFor("cancelled", () -> replicas().equals(List.of(leader)));
    assertEquals(Map.of(), members.get(1).snapshot().topic("t").reassignments());
    assertEquals(leader, state().leader());
    assertEquals(0, state().leaderEpoch(), "the ISR named no dropped replica: nothing to repair");
  }
}
