package io.sluice.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigTest {
  @TempDir Path dir;

  @Test
  void defaults_newcomerSettings() {
    BrokerConfig config = BrokerConfig.defaults();
    assertEquals(new Endpoint("PLAINTEXT", "127.0.0.1", 9092), config.listener());
    assertEquals(List.of(Path.of("./data")), config.logDirs());
    assertEquals(1, config.numPartitions());
    assertTrue(config.autoCreateTopics());
    assertTrue(config.fetchZeroCopy());
    assertEquals(104_857_600, config.socketRequestMaxBytes());
  }

  @Test
  void from_logKeys_nestedLogConfigCarriesEveryOne() {
    BrokerConfig config =
        BrokerConfig.from(
            Map.ofEntries(
                Map.entry("log.dirs", "a,b"),
                Map.entry("log.segment.bytes", "2048"),
                Map.entry("log.roll.ms", "11"),
                Map.entry("log.retention.ms", "12"),
                Map.entry("log.retention.bytes", "13"),
                Map.entry("log.index.interval.bytes", "14"),
                Map.entry("log.index.size.max.bytes", "4096"),
                Map.entry("log.flush.interval.ms", "15"),
                Map.entry("log.flush.interval.messages", "16"),
                Map.entry("log.retention.check.interval.ms", "17"),
                Map.entry("log.flush.offset.checkpoint.interval.ms", "18"),
                Map.entry("message.max.bytes", "1000"),
                Map.entry("message.timestamp.after.max.ms", "19"),
                Map.entry("message.timestamp.before.max.ms", "20"),
                Map.entry("log.segment.idle.files.max", "21")));
    assertEquals(
        new io.sluice.broker.storage.LogConfig(
            List.of(Path.of("a"), Path.of("b")),
            2048,
            11,
            12,
            13,
            14,
            4096,
            15,
            16,
            17,
            18,
            1000,
            19,
            20,
            21,
            "delete",
            "CreateTime",
            0.5,
            86_400_000L,
            0L,
            Long.MAX_VALUE,
            1),
        config.log());
    assertEquals(config.log().logDirs(), config.logDirs());
  }

  @Test
  void from_logValueTheStorageRefuses_configExceptionNamesKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> BrokerConfig.from(Map.of("log.index.size.max.bytes", "47")));
    assertTrue(e.getMessage().contains("log.index.size.max.bytes"), e.getMessage());
  }

  @Test
  void load_fileThenOverride_overrideWins() throws Exception {
    Path file = dir.resolve("server.properties");
    Files.writeString(file, "num.partitions=3\nlog.dirs=/var/sluice\nfetch.zerocopy=false\n");
    BrokerConfig config = BrokerConfig.load(file, Map.of("num.partitions", "6"));
    assertEquals(6, config.numPartitions());
    assertEquals(List.of(Path.of("/var/sluice")), config.logDirs());
    assertFalse(config.fetchZeroCopy());
  }

  @Test
  void from_unknownKey_failsNamingIt() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("num.partition", "3")));
    assertTrue(e.getMessage().contains("'num.partition'"), e.getMessage());
  }

  @Test
  void from_badNumber_failsNamingKeyAndValue() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> BrokerConfig.from(Map.of("num.partitions", "three")));
    assertTrue(e.getMessage().contains("'num.partitions'"), e.getMessage());
    assertTrue(e.getMessage().contains("'three'"), e.getMessage());
  }

  @Test
  void from_belowMinimum_fails() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("num.partitions", "0")));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
  }

  @Test
  void from_badBoolean_fails() {
    assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("fetch.zerocopy", "yes")));
  }

  @Test
  void from_badListener_failsNamingKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "SSL://:9093")));
    assertTrue(e.getMessage().contains("'listeners'"), e.getMessage());
  }

  @Test
  void from_lowWaterMarkAboveHigh_fails() {
    assertThrows(
        ConfigException.class,
        () ->
            BrokerConfig.from(
                Map.of(
                    "socket.write.buffer.low.bytes", "10",
                    "socket.write.buffer.high.bytes", "5")));
  }

  @Test
  void from_perIpLimitAndOverrides_parsedAsKafkaWritesThem() throws Exception {
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "max.connections.per.ip", "5",
                "max.connections.per.ip.overrides", "127.0.0.2:0, localhost:7,[::1]:3"));
    assertEquals(5, config.maxConnectionsPerIp());
    assertEquals(
        Map.of(
            InetAddress.getByName("127.0.0.2"), 0,
            InetAddress.getByName("localhost"), 7,
            InetAddress.getByName("::1"), 3),
        config.maxConnectionsPerIpOverrides());
    assertEquals(Integer.MAX_VALUE, BrokerConfig.defaults().maxConnectionsPerIp());
    assertTrue(BrokerConfig.defaults().maxConnectionsPerIpOverrides().isEmpty());
  }

  @Test
  void from_badPerIpOverrides_failNamingTheEntry() {
    for (String bad :
        List.of("127.0.0.1", "127.0.0.1:x", ":3", "127.0.0.1:-1", "127.0.0.9:1,127.0.0.9:2")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> BrokerConfig.from(Map.of("max.connections.per.ip.overrides", bad)),
              bad);
      assertTrue(e.getMessage().contains("'max.connections.per.ip.overrides'"), e.getMessage());
    }
  }

  @Test
  void from_perIpZeroWithoutOverrides_fails() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip", "0")));
    assertTrue(e.getMessage().contains("max.connections.per.ip.overrides"), e.getMessage());
  }

  @Test
  void advertised_portZeroNoAdvertisedListener_usesBoundPort() {
    BrokerConfig config = BrokerConfig.from(Map.of("listeners", "PLAINTEXT://:0"));
    assertEquals(new Endpoint("PLAINTEXT", "127.0.0.1", 40001), config.advertised(40001));
    BrokerConfig explicit =
        BrokerConfig.from(Map.of("advertised.listeners", "PLAINTEXT://broker.example:9092"));
    assertEquals(new Endpoint("PLAINTEXT", "broker.example", 9092), explicit.advertised(1));
  }

  @Test
  void shippedServerProperties_parsesWithoutOverrides() {
    Path shipped = Path.of("..", "config", "server.properties");
    BrokerConfig config = BrokerConfig.load(shipped, Map.of());
    assertEquals(new Endpoint("PLAINTEXT", "127.0.0.1", 9092), config.listener());
  }
}
