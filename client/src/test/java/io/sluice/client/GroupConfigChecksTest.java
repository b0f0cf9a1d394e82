package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer's group settings: Kafka's defaults, key names, and validation messages. */
class GroupConfigChecksTest {
  @Test
  void build_defaults_areKafkasClassicConsumerDefaults() {
    ConsumerConfig c = ConsumerConfig.builder().build();
    assertTrue(c.enableAutoCommit());
    assertEquals(5_000, c.autoCommitIntervalMs());
    assertEquals(45_000, c.sessionTimeoutMs());
    assertEquals(3_000, c.heartbeatIntervalMs());
    assertEquals(300_000, c.maxPollIntervalMs());
    assertEquals(List.of("range"), c.partitionAssignmentStrategy());
    assertNull(c.groupInstanceId());
  }

  @Test
  void properties_groupKeys_areParsed() {
    ConsumerConfig c =
        ConsumerConfig.builder()
            .properties(
                Map.of(
                    "enable.auto.commit", "false",
                    "auto.commit.interval.ms", "250",
                    "session.timeout.ms", "10000",
                    "heartbeat.interval.ms", "500",
                    "max.poll.interval.ms", "60000",
                    "partition.assignment.strategy",
                        "roundrobin, org.apache.kafka.clients.consumer.RangeAssignor",
                    "group.instance.id", "host-7"))
            .build();
    assertFalse(c.enableAutoCommit());
    assertEquals(250, c.autoCommitIntervalMs());
    assertEquals(10_000, c.sessionTimeoutMs());
    assertEquals(500, c.heartbeatIntervalMs());
    assertEquals(60_000, c.maxPollIntervalMs());
    assertEquals(
        List.of("roundrobin", "org.apache.kafka.clients.consumer.RangeAssignor"),
        c.partitionAssignmentStrategy());
    assertEquals("host-7", c.groupInstanceId());
  }

  @Test
  void build_heartbeatNotBelowSession_failsNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConsumerConfig.builder().sessionTimeoutMs(3000).heartbeatIntervalMs(3000).build());
    assertEquals(
        "invalid value heartbeat.interval.ms=3000 (must be > 0 and below session.timeout.ms)",
        e.getMessage());
  }

  @Test
  void build_unknownStrategy_failsNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConsumerConfig.builder()
                    .partitionAssignmentStrategy(List.of("cooperative-sticky"))
                    .build());
    assertEquals(
        "invalid value partition.assignment.strategy=cooperative-sticky: expected range or"
            + " roundrobin",
        e.getMessage());
  }

  @Test
  void build_blankInstanceIdOrNegativeInterval_fails() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ConsumerConfig.builder().groupInstanceId(" ").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ConsumerConfig.builder().autoCommitIntervalMs(-1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ConsumerConfig.builder().maxPollIntervalMs(0).build());
  }
}
