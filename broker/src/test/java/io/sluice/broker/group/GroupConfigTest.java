package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupConfigTest {
  @Test
  void defaults_areKafkasExceptTheInitialDelay() {
    GroupConfig config = GroupConfig.defaults();
    assertEquals(50, config.initialRebalanceDelayMs());
    assertEquals(6_000, config.minSessionTimeoutMs());
    assertEquals(1_800_000, config.maxSessionTimeoutMs());
    assertEquals(Integer.MAX_VALUE, config.maxSize());
  }

  @Test
  void constructor_negativeDelay_namesTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GroupConfig.defaults().withInitialRebalanceDelayMs(-1));
    assertTrue(e.getMessage().contains("group.initial.rebalance.delay.ms=-1"), e.getMessage());
  }

  @Test
  void constructor_maxSessionBelowMin_namesBothKeys() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GroupConfig.defaults().withSessionTimeoutRange(10_000, 9_999));
    assertTrue(e.getMessage().contains("group.max.session.timeout.ms=9999"), e.getMessage());
    assertTrue(e.getMessage().contains("group.min.session.timeout.ms=10000"), e.getMessage());
  }

  @Test
  void constructor_zeroMaxSize_namesTheKey() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GroupConfig.defaults().withMaxSize(0));
    assertTrue(e.getMessage().contains("group.max.size=0"), e.getMessage());
  }

  @Test
  void brokerConfig_groupKeys_mappedOntoGroupConfig() {
    GroupConfig config =
        BrokerConfig.from(
                Map.of(
                    "group.initial.rebalance.delay.ms", "0",
                    "group.min.session.timeout.ms", "1000",
                    "group.max.session.timeout.ms", "60000",
                    "group.max.size", "3"))
            .groups();
    assertEquals(
        new GroupConfig(0, 1_000, 60_000, 3, GroupConfig.DEFAULT_MAX_METADATA_BYTES), config);
    assertEquals(GroupConfig.defaults(), BrokerConfig.defaults().groups());
  }

  @Test
  void brokerConfig_maxSessionBelowMin_failsNamingBothKeys() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                BrokerConfig.from(
                    Map.of(
                        "group.min.session.timeout.ms", "10000",
                        "group.max.session.timeout.ms", "9000")));
    assertTrue(e.getMessage().contains("group.max.session.timeout.ms=9000"), e.getMessage());
    assertTrue(e.getMessage().contains("group.min.session.timeout.ms=10000"), e.getMessage());
  }

  @Test
  void brokerConfig_negativeDelay_failsNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> BrokerConfig.from(Map.of("group.initial.rebalance.delay.ms", "-1")));
    assertTrue(e.getMessage().contains("group.initial.rebalance.delay.ms"), e.getMessage());
  }
}
