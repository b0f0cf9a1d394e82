package io.sluice.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
                Map.entry("log.segment.idle.files.max", "21"),
                Map.entry("log.cleaner.enable", "false"),
                Map.entry("log.cleaner.threads", "3"),
                Map.entry("log.cleaner.dedupe.buffer.size", "3000"),
                Map.entry("log.cleaner.io.max.bytes.per.second", "22"),
                Map.entry("log.cleaner.backoff.ms", "23")));
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
            1,
            new io.sluice.broker.storage.LogConfig.CleanerConfig(false, 3, 3000, 22, 23)),
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
  void offsetRetention_kafkasKeysAndDefaults() {
    assertEquals(
        new io.sluice.broker.group.OffsetRetention(10080L * 60_000, 600_000),
        BrokerConfig.from(Map.of()).offsetRetention());
    assertEquals(
        new io.sluice.broker.group.OffsetRetention(120_000, 5_000),
        BrokerConfig.from(
                Map.of(
                    "offsets.retention.minutes",
                    "2",
                    "offsets.retention.check.interval.ms",
                    "5000"))
            .offsetRetention());
    ConfigException zero =
        assertThrows(
            ConfigException.class,
            () -> BrokerConfig.from(Map.of("offsets.retention.minutes", "0")).offsetRetention());
    assertTrue(zero.getMessage().contains("offsets.retention.minutes"), zero.getMessage());
  }

  @Test
  void from_badBoolean_fails() {
    assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("fetch.zerocopy", "yes")));
  }

  @Test
  void from_badListener_failsNamingKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "SSL://9093")));
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
  void listeners_severalNamedWithTheMap_eachAdvertisedOnItsOwn() {
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "listeners", "PLAINTEXT://0.0.0.0:19092, plaintext_host://0.0.0.0:9092",
                "advertised.listeners", "PLAINTEXT://sluice:19092,PLAINTEXT_HOST://localhost:9092",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"));
    Listeners listeners = config.listeners();
    assertEquals(
        List.of(
            new Endpoint("PLAINTEXT", "0.0.0.0", 19092),
            new Endpoint("PLAINTEXT_HOST", "0.0.0.0", 9092)),
        listeners.bound());
    assertEquals(List.of("PLAINTEXT", "PLAINTEXT_HOST"), listeners.names());
    assertEquals(SecurityProtocol.PLAINTEXT, listeners.protocol("PLAINTEXT_HOST"));
    assertEquals(new Endpoint("PLAINTEXT", "0.0.0.0", 19092), config.listener());
    assertEquals(
        new Endpoint("PLAINTEXT", "sluice", 19092), listeners.advertised("PLAINTEXT", 19092));
    assertEquals(
        new Endpoint("PLAINTEXT_HOST", "localhost", 9092),
        listeners.advertised("PLAINTEXT_HOST", 1));
    assertEquals(new Endpoint("PLAINTEXT", "sluice", 19092), config.advertised(19092));
    assertEquals("0.0.0.0", config.metricsHost(), "the first listener's host");
    assertEquals(null, listeners.interBrokerListenerName());
  }

  @Test
  void listeners_withoutAdvertisedEntry_eachUsesItsOwnHostAndBoundPort() {
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "listeners", "INTERNAL://127.0.0.2:0,EXTERNAL://:0",
                "advertised.listeners", "INTERNAL://internal.example:7000",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
                "inter.broker.listener.name", "internal"));
    Listeners listeners = config.listeners();
    assertEquals(
        new Endpoint("INTERNAL", "internal.example", 7000),
        listeners.advertised("INTERNAL", 41000));
    assertEquals(
        new Endpoint("EXTERNAL", "127.0.0.1", 41001), listeners.advertised("EXTERNAL", 41001));
    assertEquals("INTERNAL", listeners.interBrokerListenerName());
    assertThrows(IllegalArgumentException.class, () -> listeners.advertised("OTHER", 1));
  }

  @Test
  void listeners_twoOnPortZero_allowed() {
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "listeners",
                "A://127.0.0.1:0,B://127.0.0.1:0",
                "listener.security.protocol.map",
                "A:PLAINTEXT,B:PLAINTEXT"));
    assertEquals(List.of("A", "B"), config.listeners().names());
  }

  @Test
  void listeners_badCombinations_failWithKafkasMessageNamingKeyAndValue() {
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(
        List.of("listeners", "PLAINTEXT_HOST://:9092"),
        "'listeners': No security protocol defined for listener PLAINTEXT_HOST");
    cases.put(
        List.of("listeners", "PLAINTEXT://:9092,plaintext://:9093"),
        "'listeners': Each listener must have a different name; PLAINTEXT appears twice");
    cases.put(
        List.of(
            "listeners",
            "A://:9092,B://127.0.0.1:9092",
            "listener.security.protocol.map",
            "A:PLAINTEXT,B:PLAINTEXT"),
        "'listeners': Each listener must have a different port; 9092 appears twice");
    cases.put(
        List.of("listeners", "PLAINTEXT://:9092,SASL_PLAINTEXT://:9093"),
        "'sasl.enabled.mechanisms': listener SASL_PLAINTEXT is SASL and mechanism GSSAPI is not"
            + " supported (supported: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; GSSAPI is Kafka's"
            + " default, set this key)");
    cases.put(
        List.of(
            "listeners",
            "EXTERNAL://:9093",
            "listener.security.protocol.map",
            "EXTERNAL:SASL_SSL",
            "sasl.enabled.mechanisms",
            "SCRAM-SHA-256"),
        "listener EXTERNAL is SSL and needs a key store");
    cases.put(
        List.of("listeners", "BAD-NAME://:9093"),
        "listener name 'BAD-NAME' in 'BAD-NAME://:9093' is not letters, digits and '_'");
    cases.put(List.of("listeners", ""), "'listeners': must name at least one listener");
    cases.put(
        List.of("advertised.listeners", "OTHER://host:9092"),
        "advertised.listeners listener names must be equal to or a subset of the ones defined in"
            + " listeners. Found OTHER. The valid options based on currently configured listeners"
            + " are PLAINTEXT");
    cases.put(
        List.of("advertised.listeners", "PLAINTEXT://0.0.0.0:9092"),
        "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP"
            + " address.");
    cases.put(
        List.of("advertised.listeners", "PLAINTEXT://:9092"),
        "PLAINTEXT://:9092 has no host: clients need an address they can connect to");
    cases.put(
        List.of("advertised.listeners", "PLAINTEXT://host.example:0"),
        "PLAINTEXT://host.example:0 has port 0");
    cases.put(
        List.of("advertised.listeners", "PLAINTEXT://a:1,PLAINTEXT://b:2"),
        "'advertised.listeners': Each listener must have a different name; PLAINTEXT appears"
            + " twice");
    cases.put(
        List.of("listener.security.protocol.map", "PLAINTEXT"),
        "'listener.security.protocol.map': expected NAME:PROTOCOL, got 'PLAINTEXT'");
    cases.put(
        List.of("listener.security.protocol.map", "PLAINTEXT:TLS"),
        "unknown security protocol 'TLS' (known: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)");
    cases.put(
        List.of("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,plaintext:SSL"),
        "listener name PLAINTEXT appears twice");
    cases.put(
        List.of("inter.broker.listener.name", "INTERNAL"),
        "inter.broker.listener.name must be a listener name defined in advertised.listeners. The"
            + " valid options based on currently configured listeners are PLAINTEXT");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      Map<String, String> raw = new HashMap<>();
      for (int i = 0; i < c.getKey().size(); i += 2) {
        raw.put(c.getKey().get(i), c.getKey().get(i + 1));
      }
      ConfigException e =
          assertThrows(ConfigException.class, () -> BrokerConfig.from(raw), raw.toString());
      assertTrue(e.getMessage().contains(c.getValue()), raw + ": " + e.getMessage());
      assertTrue(e.getMessage().startsWith("invalid value '"), e.getMessage());
    }
  }

  private static Map<String, String> ssl(String... more) {
    Map<String, String> raw = new HashMap<>();
    raw.put("listeners", "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093");
    raw.put("ssl.keystore.location", "/etc/sluice/broker.p12");
    raw.put("ssl.keystore.type", "pkcs12");
    raw.put("ssl.keystore.password", "secret-one");
    for (int i = 0; i < more.length; i += 2) {
      raw.put(more[i], more[i + 1]);
    }
    return raw;
  }

  @Test
  void ssl_listenerWithKafkasKeys_andPerListenerOverrides() {
    BrokerConfig config =
        BrokerConfig.from(
            ssl(
                "listeners", "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093,INTERNAL://:9094",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SSL:SSL,INTERNAL:SSL",
                "ssl.client.auth", "Required",
                "ssl.enabled.protocols", "TLSv1.3",
                "ssl.cipher.suites", "TLS_AES_128_GCM_SHA256",
                "listener.name.internal.ssl.client.auth", "none",
                "listener.name.internal.ssl.keystore.location", "/etc/sluice/internal.jks",
                "listener.name.internal.ssl.keystore.type", "JKS"));
    Listeners listeners = config.listeners();
    assertNull(listeners.ssl("PLAINTEXT"));
    SslConfig external = listeners.ssl("SSL");
    assertEquals("PKCS12", external.keystoreType());
    assertEquals("/etc/sluice/broker.p12", external.keystoreLocation());
    assertEquals(SslConfig.ClientAuth.REQUIRED, external.clientAuth());
    assertEquals(List.of("TLSv1.3"), external.enabledProtocols());
    assertEquals(List.of("TLS_AES_128_GCM_SHA256"), external.cipherSuites());
    SslConfig internal = listeners.ssl("INTERNAL");
    assertEquals("JKS", internal.keystoreType());
    assertEquals("/etc/sluice/internal.jks", internal.keystoreLocation());
    assertEquals("secret-one", internal.keystorePassword(), "not overridden: the plain key");
    assertEquals(SslConfig.ClientAuth.NONE, internal.clientAuth());
    assertFalse(external.toString().contains("secret-one"), external.toString());
  }

  @Test
  void ssl_pemInline_needsChainAndKey() {
    BrokerConfig config =
        BrokerConfig.from(
            ssl(
                "ssl.keystore.location", "",
                "ssl.keystore.type", "PEM",
                "ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----...",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----..."));
    assertEquals("PEM", config.listeners().ssl("SSL").keystoreType());
  }

  @Test
  void ssl_badSettings_failNamingTheKey() {
    Map<Map<String, String>, String> cases = new LinkedHashMap<>();
    cases.put(
        ssl("ssl.keystore.location", ""),
        "'ssl.keystore.location': listener SSL is SSL and needs a key store");
    cases.put(ssl("ssl.keystore.type", "BKS"), "'ssl.keystore.type': must be JKS, PKCS12 or PEM");
    cases.put(
        ssl("ssl.client.auth", "always"), "'ssl.client.auth': must be none, requested or required");
    cases.put(
        ssl("ssl.enabled.protocols", "TLSv1.1,TLSv1.2"),
        "'ssl.enabled.protocols': supported: TLSv1.2, TLSv1.3");
    cases.put(ssl("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"), "need ssl.keystore.type=PEM");
    cases.put(
        ssl("listener.name.ssl.ssl.client.auth", "sometimes"),
        "'listener.name.ssl.ssl.client.auth': must be none, requested or required");
    cases.put(
        ssl("listener.name.other.ssl.client.auth", "none"),
        "'listener.name.other.*' name no listener; the listeners are PLAINTEXT,SSL");
    cases.put(
        ssl("listener.name.ssl.num.partitions", "3"),
        "unknown configuration key 'listener.name.ssl.num.partitions'");
    for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> BrokerConfig.from(c.getKey()), c.toString());
      assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("secret-one"), e.getMessage());
    }
  }

  private static Map<String, String> sasl(String... more) {
    Map<String, String> config = new HashMap<>();
    config.put("listeners", "PLAINTEXT://:9092,SASL_PLAINTEXT://:9093");
    config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
    config.put(
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
            + " password=\"secret-one\" user_admin=\"secret-one\" user_bob=bob-pw;");
    for (int i = 0; i < more.length; i += 2) {
      config.put(more[i], more[i + 1]);
    }
    return config;
  }

  @Test
  void sasl_listenerSettings_fromKafkasKeys() {
    BrokerConfig config =
        BrokerConfig.from(
            sasl(
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"broker\" password=\"b\\\"q\";",
                "connection.failed.authentication.delay.ms",
                "250"));
    SaslConfig sasl = config.listeners().sasl("SASL_PLAINTEXT");
    assertEquals(List.of("PLAIN", "SCRAM-SHA-256"), sasl.enabledMechanisms());
    assertEquals(Map.of("admin", "secret-one", "bob", "bob-pw"), sasl.plainUsers());
    assertEquals("b\"q", sasl.ownCredentials().get("SCRAM-SHA-256").password());
    assertEquals("admin", sasl.ownCredentials().get("PLAIN").username());
    assertEquals(250, config.failedAuthenticationDelayMs());
    assertNull(config.listeners().sasl("PLAINTEXT"));
    assertFalse(sasl.toString().contains("secret-one"), sasl.toString());
    // The per-listener mechanism list wins over the broker-wide one.
    Map<String, String> scramOnlyKeys =
        sasl("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "scram-sha-512");
    scramOnlyKeys.remove("listener.name.sasl_plaintext.plain.sasl.jaas.config");
    BrokerConfig scramOnly = BrokerConfig.from(scramOnlyKeys);
    assertEquals(
        List.of("SCRAM-SHA-512"), scramOnly.listeners().sasl("SASL_PLAINTEXT").enabledMechanisms());
  }

  @Test
  void sasl_badSettings_failNamingTheKeyWithoutThePasswords() {
    String jaasKey = "listener.name.sasl_plaintext.plain.sasl.jaas.config";
    Map<Map<String, String>, String> cases = new LinkedHashMap<>();
    cases.put(
        sasl("sasl.enabled.mechanisms", "PLAIN,OAUTHBEARER"),
        "'sasl.enabled.mechanisms': listener SASL_PLAINTEXT is SASL and mechanism OAUTHBEARER is"
            + " not supported");
    cases.put(sasl(jaasKey, "PlainLoginModule required user_a=\"secret-one\""), "missing ';'");
    cases.put(
        sasl(
            jaasKey,
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " user_a=\"secret-one;"),
        "'" + jaasKey + "': unterminated quoted value of option user_a");
    cases.put(
        sasl(jaasKey, "org.apache.kafka.common.security.plain.PlainLoginModule always user_a=x;"),
        "'" + jaasKey + "': unknown control flag 'always'");
    cases.put(
        sasl(jaasKey, "org.apache.kafka.common.security.scram.ScramLoginModule required user_a=x;"),
        "'"
            + jaasKey
            + "': the login module of PLAIN is"
            + " org.apache.kafka.common.security.plain.PlainLoginModule");
    cases.put(
        sasl(
            jaasKey,
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=a password=\"secret-one\";"),
        "'" + jaasKey + "': PLAIN needs at least one user_<name>");
    cases.put(
        sasl(
            jaasKey,
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " user_a=\"secret-one\"; extra"),
        "unexpected text after ';'");
    cases.put(
        sasl(
            jaasKey,
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " user_a=\"secret-one\" colour=blue;"),
        "unknown option colour");
    Map<String, String> noUsers = sasl();
    noUsers.remove(jaasKey);
    cases.put(
        noUsers, "listener SASL_PLAINTEXT enables PLAIN and needs its users: set '" + jaasKey);
    cases.put(
        sasl("listener.name.plaintext.plain.sasl.jaas.config", "x required;"),
        "'listener.name.plaintext.plain.sasl.jaas.config' is set but listener PLAINTEXT uses"
            + " PLAINTEXT");
    cases.put(
        sasl("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", "x required;"),
        "SCRAM-SHA-512 is not enabled on listener SASL_PLAINTEXT");
    cases.put(
        sasl("listener.name.sasl_plaintext.sasl.jaas.config", "x required;"),
        "unknown configuration key 'listener.name.sasl_plaintext.sasl.jaas.config'");
    cases.put(
        sasl("connection.failed.authentication.delay.ms", "-1"),
        "'connection.failed.authentication.delay.ms': must be at least 0");
    for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> BrokerConfig.from(c.getKey()), c.toString());
      assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("secret-one"), e.getMessage());
    }
  }

  @Test
  void shippedServerProperties_parsesWithoutOverrides() {
    Path shipped = Path.of("..", "config", "server.properties");
    BrokerConfig config = BrokerConfig.load(shipped, Map.of());
    assertEquals(new Endpoint("PLAINTEXT", "127.0.0.1", 9092), config.listener());
  }
}
