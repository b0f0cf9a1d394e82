package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void producerProperties_kafkaKeyNames_applied() {
    ProducerConfig config =
        ProducerConfig.builder()
            .properties(
                Map.of(
                    "acks", "1",
                    "enable.idempotence", "false",
                    "linger.ms", "20",
                    "batch.size", "65536",
                    "buffer.memory", "1048576"))
            .build();
    assertEquals(1, config.acks());
    assertFalse(config.enableIdempotence());
    assertEquals(20, config.lingerMs());
    assertEquals(65536, config.batchSize());
    assertEquals(1048576, config.bufferMemory());
  }

  @Test
  void producerBuild_badValues_failNamingKeyAndValue() {
    IllegalArgumentException linger =
        assertThrows(
            IllegalArgumentException.class, () -> ProducerConfig.builder().lingerMs(-1).build());
    assertEquals("invalid value linger.ms=-1", linger.getMessage());
    IllegalArgumentException acks =
        assertThrows(
            IllegalArgumentException.class, () -> ProducerConfig.builder().acks(1).build());
    assertEquals(
        "invalid value acks=1: enable.idempotence=true needs acks=all (-1)", acks.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProducerConfig.builder().properties(Map.of("lingr.ms", "5")));
    assertEquals("unknown producer setting lingr.ms", unknown.getMessage());
    IllegalArgumentException notNumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProducerConfig.builder().properties(Map.of("batch.size", "big")));
    assertEquals("invalid value batch.size=big: not an integer", notNumber.getMessage());
  }

  @Test
  void consumerBuild_badReset_failsNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConsumerConfig.builder().autoOffsetReset("smallest").build());
    assertEquals("invalid value auto.offset.reset=smallest", e.getMessage());
    assertEquals(
        "earliest",
        ConsumerConfig.builder()
            .properties(Map.of("auto.offset.reset", "earliest"))
            .build()
            .autoOffsetReset());
  }
}
