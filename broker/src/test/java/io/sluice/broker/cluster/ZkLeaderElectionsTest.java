package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.metadata.LeaderElection;
import io.sluice.protocol.Errors;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The requesting side of leader election on request, against an in-process ZooKeeper with no
 * controller (the test plays it): a request nobody answers times out and is withdrawn; an answered
 * request completes only once the applied cluster state shows the leader epoch the controller
 * wrote, with the controller's errors for the other partitions.
 */
class ZkLeaderElectionsTest {
  private static final long WAIT_MS = 20_000;
  private static final LeaderElection.Partition T0 = new LeaderElection.Partition("t", 0);
  private static final LeaderElection.Partition U1 = new LeaderElection.Partition("u", 1);

  private TestingServer zk;
  private CuratorFramework client;
  private ZkLeaderElections elections;

  @BeforeEach
  void start() throws Exception {
    zk = ZooKeeperServers.standalone();
    client =
        CuratorFrameworkFactory.newClient(zk.getConnectString(), 5000, 5000, new RetryOneTime(100));
    client.start();
    assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS));
    // The broker knows topic t at leader epoch 2 before any election: a snapshot without the topic
    // would count every elected leader of t as shown (a deleted topic must not keep a request
    // waiting), and the answer could complete the request before the test applies a snapshot.
    elections = new ZkLeaderElections(client, showing(2), () -> {});
    elections.start();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      elections.close();
      client.close();
    } finally {
      zk.close();
    }
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

  private List<String> requests() {
    try {
      return client.getChildren().forPath(ZkPaths.ELECT_LEADERS);
    } catch (Exception e) {
      return List.of();
    }
  }

  private static ClusterSnapshot showing(int leaderEpoch) {
    PartitionState state = new PartitionState(2, leaderEpoch, List.of(2, 1), 1, 20);
    TopicInfo topic = new TopicInfo(1, List.of(List.of(1, 2)), List.of(state));
    return new ClusterSnapshot(leaderEpoch, Map.of(), 1, Map.of("t", topic), Set.of(), Map.of());
  }

  @Test
  void unanswered_timesOutAndWithdrawsTheRequest() throws Exception {
    CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> future =
        elections.elect(LeaderElection.Type.PREFERRED, Set.of(T0), 300);
    Map<LeaderElection.Partition, LeaderElection.Result> results =
        future.get(WAIT_MS, TimeUnit.MILLISECONDS);
    assertEquals(Set.of(T0), results.keySet());
    assertEquals(Errors.REQUEST_TIMED_OUT, results.get(T0).error());
    assertTrue(results.get(T0).message().contains("300 ms"), results.get(T0).message());
    waitFor("the request withdrawn", () -> requests().isEmpty());
  }

  @Test
  void answered_completesOnceTheElectedEpochIsShown() throws Exception {
    Set<LeaderElection.Partition> partitions = new LinkedHashSet<>(List.of(T0, U1));
    CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> future =
        elections.elect(LeaderElection.Type.UNCLEAN, partitions, 60_000);
    waitFor("the request in ZooKeeper", () -> requests().size() == 1);
    String path = ZkPaths.ELECT_LEADERS + "/" + requests().get(0);
    RequestedElection.Request request =
        ZkJson.electionRequest(path, client.getData().forPath(path));
    assertEquals(LeaderElection.Type.UNCLEAN, request.type());
    assertEquals(List.of(T0, U1), request.partitions());
    assertFalse(request.answered());

    Map<LeaderElection.Partition, RequestedElection.Outcome> outcomes = new LinkedHashMap<>();
    outcomes.put(T0, new RequestedElection.Outcome(Errors.NONE, null, 2, 4));
    outcomes.put(
        U1, RequestedElection.Outcome.refused(Errors.UNKNOWN_TOPIC_OR_PARTITION, "no u-1"));
    client
        .setData()
        .forPath(
            path,
            ZkJson.electionRequest(
                new RequestedElection.Request(request.type(), request.partitions(), outcomes)));

    elections.applied(showing(3)); // an older epoch: still waiting
    assertFalse(future.isDone());
    elections.applied(showing(4));
    Map<LeaderElection.Partition, LeaderElection.Result> results =
        future.get(WAIT_MS, TimeUnit.MILLISECONDS);
    assertEquals(List.of(T0, U1), List.copyOf(results.keySet()));
    assertEquals(LeaderElection.Result.NONE, results.get(T0));
    assertEquals(
        new LeaderElection.Result(Errors.UNKNOWN_TOPIC_OR_PARTITION, "no u-1"), results.get(U1));
    waitFor("the request removed", () -> requests().isEmpty());
  }
}
