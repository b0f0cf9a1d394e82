package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SecurityProtocol;
import io.sluice.broker.config.ZooKeeperConfig;
import io.sluice.protocol.Errors;
import io.sluice.testing.ExpectedLogs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three cluster members (the ZooKeeper side of three brokers, without their servers) on an
 * in-process ZooKeeper: registration and epochs, election and fencing, placement, partition states
 * on broker loss and return, session expiry, and the ensemble going away.
 */
class ZkClusterTest {
  private static final int SESSION_MS = 3000;
  private static final long WAIT_MS = 20_000;

  private TestingServer zk;
  private final Map<Integer, ZkCluster> members = new HashMap<>();

  @BeforeEach
  void startZooKeeper() throws Exception {
    // The faults these tests inject (a lost broker, an expired session, ZooKeeper gone) make the
    // controller and the registrar say so; that is expected here, not a finding.
    ExpectedLogs.warn(Controller.class, "").optional();
    ExpectedLogs.warn(BrokerRegistrar.class, "").optional();
    // Curator's own reports of the same faults (an expired session's latch, a cache that lost
    // its server).
    ExpectedLogs.expect("ERROR", "org.apache.curator", "failed to find our node").optional();
    ExpectedLogs.expect("ERROR", "org.apache.curator", "CuratorCache error").optional();
    zk = ZooKeeperServers.standalone();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (ZkCluster member : members.values()) {
      member.close();
    }
    zk.close();
  }

  private ZooKeeperConfig config(String chroot) {
    return new ZooKeeperConfig(zk.getConnectString(), chroot, SESSION_MS, 5000, null);
  }

  private ZkCluster start(int id) {
    ZkCluster member = ZkCluster.connect(config("sluice"), id, "cluster-" + id);
    members.put(id, member);
    member.register(
        List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id)),
        Map.of("PLAINTEXT", SecurityProtocol.PLAINTEXT));
    return member;
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

  private ZkCluster controller() throws InterruptedException {
    waitFor("a controller", () -> members.values().stream().anyMatch(ZkCluster::isController));
    return members.values().stream().filter(ZkCluster::isController).findFirst().orElseThrow();
  }

  private static Map<Integer, Integer> leaders(TopicInfo topic) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int p = 0; p < topic.partitionCount(); p++) {
      counts.merge(topic.leader(p), 1, Integer::sum);
    }
    return counts;
  }

  private void startThree() throws InterruptedException {
    for (int id = 1; id <= 3; id++) {
      start(id);
    }
    waitFor(
        "three brokers in every cache",
        () -> members.values().stream().allMatch(m -> m.snapshot().brokers().size() == 3));
  }

  @Test
  void threeBrokersShareOneClusterIdAndElectOneController() throws Exception {
    startThree();
    ZkCluster controller = controller();
    assertEquals(1, members.values().stream().filter(ZkCluster::isController).count());
    for (ZkCluster member : members.values()) {
      assertEquals("cluster-1", member.clusterId());
      waitFor("the controller id", () -> member.snapshot().controllerId() == controller.brokerId());
      assertTrue(member.brokerEpoch() > 0);
    }
    BrokerInfo two = members.get(1).snapshot().brokers().get(2);
    assertEquals(
        new BrokerInfo(
            2,
            List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9002)),
            null,
            members.get(2).brokerEpoch()),
        two);
  }

  @Test
  void aSixPartitionTopicPutsTwoLeadersOnEachBroker() throws Exception {
    startThree();
    controller();
    ZkCluster.Outcome outcome = members.get(2).createTopic("orders", 6, false, WAIT_MS);
    assertEquals(ZkCluster.Outcome.OK, outcome);
    TopicInfo topic = members.get(2).snapshot().topic("orders");
    assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders(topic));
    for (int p = 0; p < 6; p++) {
      assertEquals(0, topic.leaderEpoch(p));
      int leader = topic.leader(p);
      int partition = p;
      for (ZkCluster member : members.values()) {
        waitFor("the topic everywhere", () -> member.snapshot().topic("orders") != null);
        waitFor(
            "leadership known",
            () ->
                member.leads(member.snapshot(), "orders", partition)
                    == (member.brokerId() == leader));
      }
    }
    assertEquals(
        Errors.TOPIC_ALREADY_EXISTS,
        members.get(3).createTopic("orders", 1, false, WAIT_MS).error());
  }

  @Test
  void aLostBrokersPartitionsGoOfflineAndComeBackWithANewEpoch() throws Exception {
    startThree();
    ZkCluster controller = controller();
    int victim = controller.brokerId() == 3 ? 2 : 3;
    assertEquals(ZkCluster.Outcome.OK, controller.createTopic("t", 3, false, WAIT_MS));
    // Every partition's state is written, but under load a leader may be elected a moment later
    // (a broker briefly re-registering is skipped as offline first): wait for all three.
    waitFor(
        "a leader for every partition",
        () -> {
          TopicInfo t = controller.snapshot().topic("t");
          for (int p = 0; p < t.partitionCount(); p++) {
            if (t.leader(p) == PartitionState.NO_LEADER) {
              return false;
            }
          }
          return true;
        });
    long oldEpoch = members.get(victim).brokerEpoch();
    int partition = indexLedBy(controller.snapshot().topic("t"), victim);

    members.remove(victim).close();
    waitFor(
        "the partition offline",
        () -> controller.snapshot().topic("t").leader(partition) == PartitionState.NO_LEADER);
    assertEquals(1, controller.snapshot().topic("t").leaderEpoch(partition));
    assertFalse(controller.snapshot().brokers().containsKey(victim));

    ZkCluster back = start(victim);
    assertTrue(back.brokerEpoch() > oldEpoch, "a restarted broker gets a new epoch");
    waitFor("the partition back", () -> back.leads(back.snapshot(), "t", partition));
    assertEquals(2, back.snapshot().topic("t").leaderEpoch(partition));
    assertEquals(back.brokerEpoch(), controller.snapshot().brokers().get(victim).epoch());
  }

  private static int indexLedBy(TopicInfo topic, int broker) {
    for (int p = 0; p < topic.partitionCount(); p++) {
      if (topic.leader(p) == broker) {
        return p;
      }
    }
    throw new AssertionError("broker " + broker + " leads nothing");
  }

  @Test
  void anotherControllerIsElectedWhenTheControllerGoesAndTopicsCanBeCreatedAgain()
      throws Exception {
    startThree();
    ZkCluster first = controller();
    int firstEpoch = first.controllerEpoch();
    members.remove(first.brokerId()).close();
    ZkCluster second = controller();
    assertNotEquals(first.brokerId(), second.brokerId());
    assertEquals(firstEpoch + 1, second.controllerEpoch());
    ZkCluster other = members.values().stream().filter(m -> m != second).findFirst().orElseThrow();
    waitFor("the new controller id", () -> other.snapshot().controllerId() == second.brokerId());
    assertEquals(ZkCluster.Outcome.OK, other.createTopic("after", 4, false, WAIT_MS));
    // Two brokers are left: two partitions each.
    assertEquals(2, leaders(other.snapshot().topic("after")).size());
  }

  @Test
  void aDeposedControllerCannotWriteAndALegitimateOneTakesOverAgain() throws Exception {
    startThree();
    ZkCluster controller = controller();
    int epoch = controller.controllerEpoch();
    // Someone else bumps the controller epoch (as a newly elected controller would).
    controller.client().setData().forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.integer(epoch + 10));
    assertEquals(ZkCluster.Outcome.OK, controller.createTopic("fenced", 2, false, WAIT_MS));
    // The controller's first write failed its epoch check; still holding the latch, it took over
    // again with a newer epoch and wrote the states under it.
    assertEquals(epoch + 11, controller.controllerEpoch());
    TopicInfo topic = controller.snapshot().topic("fenced");
    for (int p = 0; p < 2; p++) {
      assertEquals(epoch + 11, topic.states().get(p).controllerEpoch());
    }
  }

  @Test
  void aBrokerWhoseSessionExpiresIsFencedThenRegistersAndLeadsAgain() throws Exception {
    startThree();
    ZkCluster controller = controller();
    int victimId = controller.brokerId() == 1 ? 2 : 1;
    ZkCluster victim = members.get(victimId);
    assertEquals(ZkCluster.Outcome.OK, controller.createTopic("s", 3, false, WAIT_MS));
    int partition = indexLedBy(controller.snapshot().topic("s"), victimId);
    waitFor("victim leads", () -> victim.leads(victim.snapshot(), "s", partition));
    long before = victim.brokerEpoch();

    KillSession.kill(victim.client().getZookeeperClient().getZooKeeper());
    waitFor("a new registration", () -> victim.brokerEpoch() > before);
    waitFor("the victim leads again", () -> victim.leads(victim.snapshot(), "s", partition));
    // The controller saw a new incarnation of the leader: a new leader epoch (one, or two if it
    // also saw the partition offline in between), naming the new broker epoch.
    long after = victim.brokerEpoch();
    waitFor(
        "the state names the new incarnation",
        () ->
            controller.snapshot().topic("s").states().get(partition).leaderBrokerEpoch() == after);
    PartitionState state = controller.snapshot().topic("s").states().get(partition);
    assertEquals(victimId, state.leader());
    assertTrue(state.leaderEpoch() >= 1, state.toString());
  }

  @Test
  void withZooKeeperGoneBrokersKeepTheirPartitionsRefuseChangesAndRecover() throws Exception {
    startThree();
    ZkCluster controller = controller();
    assertEquals(ZkCluster.Outcome.OK, controller.createTopic("z", 3, false, WAIT_MS));
    List<ZkCluster> all = new ArrayList<>(members.values());
    // Each broker must have seen its own partition's leadership before ZooKeeper goes (the topic
    // can reach a broker's cache before the controller's leader election does).
    for (ZkCluster member : all) {
      waitFor(
          "broker " + member.brokerId() + " to lead one partition of z",
          () -> member.snapshot().topic("z") != null && ledCount(member, "z", 3) == 1);
    }

    zk.stop();
    ZkCluster.Outcome refused = all.get(0).createTopic("y", 1, false, WAIT_MS);
    assertEquals(Errors.NOT_CONTROLLER, refused.error());
    assertTrue(refused.message().contains("ZooKeeper is unreachable"), refused.message());
    assertEquals(Errors.NOT_CONTROLLER, all.get(1).deleteTopic("z", WAIT_MS).error());
    for (ZkCluster member : all) {
      TopicInfo topic = member.snapshot().topic("z");
      assertEquals(
          1,
          ledCount(member, "z", 3),
          "broker " + member.brokerId() + " keeps leading its partition");
      assertNotNull(topic);
    }

    zk.restart();
    ZkCluster any = all.get(2);
    waitFor(
        "changes accepted again",
        () -> any.createTopic("y", 1, false, WAIT_MS).error() == Errors.NONE);
    assertEquals(ZkCluster.Outcome.OK, any.deleteTopic("z", WAIT_MS));
    for (ZkCluster member : all) {
      waitFor("deletion seen", () -> member.snapshot().topic("z") == null);
    }
    assertNull(any.snapshot().topics().get("z"));
  }

  private static int ledCount(ZkCluster member, String topic, int partitions) {
    ClusterSnapshot snapshot = member.snapshot();
    int led = 0;
    for (int p = 0; p < partitions; p++) {
      led += member.leads(snapshot, topic, p) ? 1 : 0;
    }
    return led;
  }
}
