package io.sluice.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
  @Test
  void withoutZookeeperConnectTheBrokerIsASingleNode() {
    BrokerConfig config = BrokerConfig.defaults();
    assertFalse(config.clusterMode());
    assertNull(config.zooKeeper());
  }

  @Test
  void zookeeperConnectIsSplitIntoServersAndChroot() {
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "zookeeper.connect", "127.0.0.1:2181,127.0.0.1:2182/sluice/prod/",
                "zookeeper.session.timeout.ms", "4000",
                "broker.id", "3",
                "broker.rack", "eu-1a"));
    assertTrue(config.clusterMode());
    assertEquals(
        new ZooKeeperConfig("127.0.0.1:2181,127.0.0.1:2182", "sluice/prod", 4000, 4000, "eu-1a"),
        config.zooKeeper());
    assertEquals(3, config.nodeId());
  }

  @Test
  void connectionTimeoutDefaultsToTheSessionTimeout_unlessSet() {
    assertEquals(
        18000,
        BrokerConfig.from(Map.of("zookeeper.connect", "h:1", "broker.id", "1"))
            .zooKeeper()
            .connectionTimeoutMs());
    assertEquals(
        2500,
        BrokerConfig.from(
                Map.of(
                    "zookeeper.connect", "h:1",
                    "broker.id", "1",
                    "zookeeper.session.timeout.ms", "6000",
                    "zookeeper.connection.timeout.ms", "2500"))
            .zooKeeper()
            .connectionTimeoutMs());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                BrokerConfig.from(
                    Map.of(
                        "zookeeper.connect", "h:1",
                        "broker.id", "1",
                        "zookeeper.connection.timeout.ms", "soon")));
    assertTrue(e.getMessage().contains("zookeeper.connection.timeout.ms"), e.getMessage());
  }

  @Test
  void clusterModeNeedsAnExplicitBrokerId() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> BrokerConfig.from(Map.of("zookeeper.connect", "127.0.0.1:2181")));
    assertTrue(e.getMessage().contains("broker.id"), e.getMessage());
    assertEquals(7, BrokerConfig.from(Map.of("zookeeper.connect", "h:1", "node.id", "7")).nodeId());
  }

  @Test
  void brokerIdAndNodeIdMustAgree() {
    assertThrows(
        ConfigException.class, () -> BrokerConfig.from(Map.of("broker.id", "1", "node.id", "2")));
    assertEquals(1, BrokerConfig.from(Map.of("broker.id", "1", "node.id", "1")).nodeId());
  }

  @Test
  void aBadServerListIsNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> BrokerConfig.from(Map.of("zookeeper.connect", "nohost", "broker.id", "1")));
    assertTrue(e.getMessage().contains("zookeeper.connect"), e.getMessage());
  }
}
