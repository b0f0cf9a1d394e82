package io.sluice.broker.cluster;

import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;

/**
 * In-process ZooKeeper servers for tests: on 127.0.0.1, on a free port, with a 500 ms tick so that
 * sessions of 2-4 s are allowed (ZooKeeper clamps a session to 2..20 ticks).
 */
public final class ZooKeeperServers {
  private static final int TICK_MS = 500;

  private ZooKeeperServers() {}

  /** A started standalone server with a fresh data directory, deleted on close. */
  public static TestingServer standalone() throws Exception {
    return new TestingServer(spec(1), true);
  }

  /** A started ensemble of {@code n} servers. */
  public static TestingCluster ensemble(int n) throws Exception {
    InstanceSpec[] specs = new InstanceSpec[n];
    for (int i = 0; i < n; i++) {
      specs[i] = spec(i + 1);
    }
    TestingCluster cluster = new TestingCluster(specs);
    cluster.start();
    return cluster;
  }

  private static InstanceSpec spec(int serverId) {
    return new InstanceSpec(
        null,
        -1,
        -1,
        -1,
        true,
        serverId,
        TICK_MS,
        -1,
        Map.of("admin.enableServer", "false"),
        "127.0.0.1");
  }
}
