package io.sluice.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The container's entry point run on this host: SLUICE_* variables become server.properties keys by
 * Kafka's image rules, the script's own variables do not, and the Java side ({@link
 * SluiceContainer#envName}) writes the names the script reads back.
 */
class EntrypointTest {

  @Test
  void environmentVariablesMapOntoConfigurationKeys() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SLUICE_LOG_DIRS", "/var/lib/sluice/data");
    env.put("SLUICE_LISTENERS", "PLAINTEXT://0.0.0.0:19092,PLAINTEXT_HOST://0.0.0.0:9092");
    env.put(
        "SLUICE_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT");
    env.put("SLUICE_NUM_PARTITIONS", "3");
    env.put("SLUICE_SOME__KEY___WITH_ALL", "x y");
    env.put("SLUICE_ADVERTISED_LISTENERS", "");
    Entrypoint.Result result = Entrypoint.run(env, "print-config");
    assertEquals(0, result.exitCode(), result.stderr());
    // In the order of the variables' names (SLUICE_LISTENERS sorts before SLUICE_LISTENER_...).
    assertEquals(
        List.of(
            "advertised.listeners=",
            "listeners=PLAINTEXT://0.0.0.0:19092,PLAINTEXT_HOST://0.0.0.0:9092",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "log.dirs=/var/lib/sluice/data",
            "num.partitions=3",
            "some_key-with.all=x y"),
        result.lines());
  }

  @Test
  void theScriptsOwnVariablesAndOtherVariablesAreNotMapped() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SLUICE_HEAP_OPTS", "-Xmx64m");
    env.put("SLUICE_JAVA_OPTS", "-Dx=y");
    env.put("SLUICE_HOME", "/opt/sluice");
    env.put("SLUICE_CONFIG", "/etc/sluice/server.properties");
    env.put("SLUICE_LOG_LEVEL", "DEBUG");
    env.put("KAFKA_LOG_DIRS", "/kafka");
    env.put("SLUICE_", "empty name");
    env.put("SLUICE_NODE_ID", "7");
    Entrypoint.Result result = Entrypoint.run(env, "print-config");
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(List.of("node.id=7"), result.lines());
  }

  @Test
  void theContainerClassWritesTheNamesTheScriptReads() throws Exception {
    List<String> keys =
        List.of(
            "log.dirs",
            "advertised.listeners",
            "listener.security.protocol.map",
            "metrics.port",
            "a_b-c.d",
            "group.initial.rebalance.delay.ms");
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      env.put(SluiceContainer.envName(keys.get(i)), "v" + i);
    }
    assertEquals("SLUICE_A__B___C_D", SluiceContainer.envName("a_b-c.d"));
    Entrypoint.Result result = Entrypoint.run(env, "print-config");
    assertEquals(0, result.exitCode(), result.stderr());
    for (int i = 0; i < keys.size(); i++) {
      assertTrue(result.lines().contains(keys.get(i) + "=v" + i), keys.get(i) + ": " + result);
    }
    assertEquals(keys.size(), result.lines().size());
  }

  @Test
  void healthFailsWhenNothingListens() throws Exception {
    // Port 1 is privileged and unused on a test machine: connection refused at once.
    Entrypoint.Result http = Entrypoint.run(Map.of(), "health", "1");
    assertNotEquals(0, http.exitCode());
    assertTrue(http.stderr().contains("nothing listens on metrics port 1"), http.stderr());
    Entrypoint.Result tcp =
        Entrypoint.run(Map.of("SLUICE_LISTENERS", "PLAINTEXT://127.0.0.1:1"), "health");
    assertNotEquals(0, tcp.exitCode());
    assertTrue(tcp.stderr().contains("nothing listens on port 1"), tcp.stderr());
  }

  @Test
  void theStartScriptAdvertisesTheMappedPortAndTheNetworkAlias() {
    String script = SluiceContainer.startScript("localhost:32768", "tc-abc:9093");
    assertTrue(
        script.contains(
            "export SLUICE_ADVERTISED_LISTENERS='PLAINTEXT://localhost:32768,BROKER://tc-abc:9093'\n"),
        script);
    assertTrue(script.endsWith("exec /opt/sluice/docker/sluice-entrypoint.sh run\n"), script);
  }
}
