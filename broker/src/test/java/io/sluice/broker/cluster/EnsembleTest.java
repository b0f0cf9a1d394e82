package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SecurityProtocol;
import io.sluice.broker.config.ZooKeeperConfig;
import io.sluice.protocol.Errors;
import io.sluice.testing.ExpectedLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** A three-server ZooKeeper ensemble: losing one server changes nothing for the brokers. */
class EnsembleTest {
  @Test
  void losingOneOfThreeZooKeeperServersChangesNothing() throws Exception {
    // The servers report the one this test stops, and so do the clients' caches.
    ExpectedLogs.expect("ERROR", "org.apache.zookeeper", "LearnerHandler").optional();
    ExpectedLogs.expect("ERROR", "org.apache.curator", "CuratorCache error").optional();
    List<ZkCluster> members = new ArrayList<>();
    try (TestingCluster ensemble = ZooKeeperServers.ensemble(3)) {
      ZooKeeperConfig config =
          new ZooKeeperConfig(ensemble.getConnectString(), "", 4000, 10_000, null);
      for (int id = 1; id <= 3; id++) {
        ZkCluster member = ZkCluster.connect(config, id, "ensemble");
        members.add(member);
        member.register(
            List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id)),
            Map.of("PLAINTEXT", SecurityProtocol.PLAINTEXT));
      }
      ZkCluster first = members.get(0);
      waitFor(() -> first.snapshot().controllerId() > 0 && first.snapshot().brokers().size() == 3);
      assertEquals(ZkCluster.Outcome.OK, first.createTopic("a", 3, false, 20_000));
      List<Long> epochs = members.stream().map(ZkCluster::brokerEpoch).toList();
      int controller = first.snapshot().controllerId();

      InstanceSpec lost =
          ensemble.findConnectionInstance(first.client().getZookeeperClient().getZooKeeper());
      assertTrue(ensemble.killServer(lost));

      // The member that used the lost server moves to another one within its session; a creation
      // asked in between is refused with the retriable NOT_CONTROLLER (nothing written), which
      // clients retry, so the test retries it too. A retry after a write whose answer was lost
      // finds the topic there.
      ZkCluster.Outcome created = first.createTopic("b", 3, false, 20_000);
      boolean retried = false;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (created.error() == Errors.NOT_CONTROLLER && System.nanoTime() < deadline) {
        retried = true;
        Thread.sleep(50);
        created = first.createTopic("b", 3, false, 20_000);
      }
      assertTrue(
          created.error() == Errors.NONE
              || (retried && created.error() == Errors.TOPIC_ALREADY_EXISTS),
          created.toString());
      for (ZkCluster member : members) {
        waitFor(() -> member.snapshot().topic("b") != null);
        TopicInfo a = member.snapshot().topic("a");
        for (int p = 0; p < 3; p++) {
          assertEquals(0, a.leaderEpoch(p), "no leader moved");
        }
      }
      assertEquals(epochs, members.stream().map(ZkCluster::brokerEpoch).toList());
      assertEquals(controller, first.snapshot().controllerId());
    } finally {
      members.forEach(ZkCluster::close);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }
}
