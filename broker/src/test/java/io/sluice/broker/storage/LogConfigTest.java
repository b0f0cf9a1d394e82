package io.sluice.broker.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogConfigTest {
  private final LogConfig defaults = LogConfig.defaults(List.of(Path.of("data")));

  @Test
  void defaults_matchKafkaExceptTheFlushInterval() {
    assertEquals(1 << 30, defaults.segmentBytes());
    assertEquals(7L * 24 * 60 * 60 * 1000, defaults.rollMs());
    assertEquals(7L * 24 * 60 * 60 * 1000, defaults.retentionMs());
    assertEquals(-1, defaults.retentionBytes());
    assertEquals(4096, defaults.indexIntervalBytes());
    assertEquals(10 * 1024 * 1024, defaults.indexSizeMaxBytes());
    assertEquals(1000, defaults.flushIntervalMs());
    assertEquals(Long.MAX_VALUE, defaults.flushIntervalMessages());
    assertEquals(300_000, defaults.retentionCheckIntervalMs());
    assertEquals(1048588, defaults.maxMessageBytes());
  }

  @Test
  void invalidValue_isRejectedNamingKafkasKeyAndTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> defaults.toBuilder().segmentBytes(100).build());
    assertTrue(e.getMessage().contains("log.segment.bytes=100"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> defaults.toBuilder().retentionMs(-5).retentionBytes(-1).build());
    assertTrue(e.getMessage().contains("log.retention.ms=-5"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> defaults.toBuilder().flushIntervalMs(0).flushIntervalMessages(1).build());
    assertTrue(e.getMessage().contains("log.flush.interval.ms=0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LogConfig.defaults(List.of()));
  }

  @Test
  void topicPartition_parsesDirectoryNamesWithDashes() {
    assertEquals(
        new TopicPartition("my-topic", 12), TopicPartition.parseDirectoryName("my-topic-12"));
    assertEquals(null, TopicPartition.parseDirectoryName("my-topic-12.abc-delete"));
    assertEquals(null, TopicPartition.parseDirectoryName("nodash"));
    assertEquals("my-topic-12", new TopicPartition("my-topic", 12).directoryName());
  }
}
