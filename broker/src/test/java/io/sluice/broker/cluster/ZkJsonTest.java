package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SecurityProtocol;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker registration znode: every listener in Kafka's fields, and read back. */
class ZkJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void registration_everyListenerInEndpointsAndTheMap_legacyHostIsTheFirstPlaintext()
      throws Exception {
    List<Endpoint> endpoints =
        List.of(new Endpoint("INTERNAL", "sluice-1", 19092), new Endpoint("EXTERNAL", "::1", 9092));
    Map<String, SecurityProtocol> protocols = new LinkedHashMap<>();
    protocols.put("INTERNAL", SecurityProtocol.PLAINTEXT);
    protocols.put("EXTERNAL", SecurityProtocol.PLAINTEXT);
    byte[] data = ZkJson.brokerRegistration(endpoints, protocols, "rack-a");

    JsonNode node = MAPPER.readTree(data);
    assertEquals(5, node.get("version").asInt());
    assertEquals("sluice-1", node.get("host").asText());
    assertEquals(19092, node.get("port").asInt());
    assertEquals("INTERNAL://sluice-1:19092", node.get("endpoints").get(0).asText());
    assertEquals("EXTERNAL://[::1]:9092", node.get("endpoints").get(1).asText());
    assertEquals(
        "{\"INTERNAL\":\"PLAINTEXT\",\"EXTERNAL\":\"PLAINTEXT\"}",
        node.get("listener_security_protocol_map").toString());

    BrokerInfo info = ZkJson.broker(4, data, 77);
    assertEquals(new BrokerInfo(4, endpoints, "rack-a", 77), info);
    assertEquals(new Endpoint("EXTERNAL", "::1", 9092), info.endpoint("EXTERNAL"));
    assertNull(info.endpoint("OTHER"));
  }

  @Test
  void registration_withoutAPlaintextListener_hasNoLegacyHost() throws Exception {
    byte[] data =
        ZkJson.brokerRegistration(
            List.of(new Endpoint("SECURE", "b.example", 9093)),
            Map.of("SECURE", SecurityProtocol.SSL),
            null);
    JsonNode node = MAPPER.readTree(data);
    assertTrue(node.get("host").isNull());
    assertEquals(-1, node.get("port").asInt());
    assertEquals("SSL", node.get("listener_security_protocol_map").get("SECURE").asText());
    assertEquals(
        List.of(new Endpoint("SECURE", "b.example", 9093)), ZkJson.broker(1, data, 1).endpoints());
  }

  @Test
  void registration_withoutEndpoints_isItsLegacyHostAsPlaintext() {
    byte[] legacy =
        "{\"version\":1,\"host\":\"old.example\",\"port\":9092,\"jmx_port\":-1}"
            .getBytes(StandardCharsets.UTF_8);
    assertEquals(
        List.of(new Endpoint("PLAINTEXT", "old.example", 9092)),
        ZkJson.broker(3, legacy, 5).endpoints());
  }

  @Test
  void registration_withABadEndpoint_namesTheBroker() {
    byte[] bad = "{\"endpoints\":[\"NO-PORT\"]}".getBytes(StandardCharsets.UTF_8);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ZkJson.broker(9, bad, 1));
    assertTrue(e.getMessage().startsWith("broker 9: bad endpoint"), e.getMessage());
  }

  @Test
  void topicConfig_kafkasEntityConfigShape_keysInOrder_andReadBackWithNumbersAsText() {
    byte[] data = ZkJson.topicConfig(Map.of("segment.bytes", "2048", "cleanup.policy", "compact"));
    assertEquals(
        "{\"version\":1,\"config\":{\"cleanup.policy\":\"compact\",\"segment.bytes\":\"2048\"}}",
        new String(data, StandardCharsets.UTF_8));
    assertEquals(
        Map.of("segment.bytes", "2048", "cleanup.policy", "compact"),
        ZkJson.topicConfig("t", data));
    // Written by another tool with a number where Kafka writes a string: read as its text.
    assertEquals(
        Map.of("retention.ms", "1000"),
        ZkJson.topicConfig(
            "t",
            "{\"version\":1,\"config\":{\"retention.ms\":1000}}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Map.of(), ZkJson.topicConfig("t", ZkJson.topicConfig(Map.of())));
    assertThrows(
        IllegalStateException.class,
        () -> ZkJson.topicConfig("t", "{".getBytes(StandardCharsets.UTF_8)));
  }
}
