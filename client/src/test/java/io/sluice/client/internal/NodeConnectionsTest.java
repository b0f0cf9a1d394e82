package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiVersionsResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConnectionsTest {
  @Test
  void parseBootstrap_listWithSpaces_nodesWithNegativeIds() {
    assertEquals(
        List.of(new Node(-1, "127.0.0.1", 9092), new Node(-2, "broker-2", 19092)),
        NodeConnections.parseBootstrap("127.0.0.1:9092, broker-2:19092"));
  }

  @Test
  void parseBootstrap_missingPort_failsNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NodeConnections.parseBootstrap("host"));
    assertEquals("invalid value bootstrap.servers=host: expected host:port", e.getMessage());
  }

  @Test
  void agree_brokerRanges_highestCommonVersionCappedBelowTopicIds() {
    ApiVersionsResponse answer =
        new ApiVersionsResponse()
            .setApiKeys(
                List.of(
                    version(ApiKey.PRODUCE, 3, 13),
                    version(ApiKey.FETCH, 4, 18),
                    version(ApiKey.METADATA, 0, 9),
                    version(ApiKey.LIST_OFFSETS, 12, 15)));
    Map<ApiKey, Short> agreed = NodeConnections.agree(answer);
    assertEquals((short) 12, agreed.get(ApiKey.PRODUCE));
    assertEquals((short) 12, agreed.get(ApiKey.FETCH));
    assertEquals((short) 9, agreed.get(ApiKey.METADATA));
    assertEquals(null, agreed.get(ApiKey.LIST_OFFSETS), "no common version: left out");
  }

  private static ApiVersionsResponse.ApiVersion version(ApiKey api, int min, int max) {
    return new ApiVersionsResponse.ApiVersion()
        .setApiKey(api.id())
        .setMinVersion((short) min)
        .setMaxVersion((short) max);
  }
}
