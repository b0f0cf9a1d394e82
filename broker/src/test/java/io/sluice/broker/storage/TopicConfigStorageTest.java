package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic's configuration overrides in storage: stored in every partition directory, applied to the
 * live logs, reloaded (and a disagreeing copy repaired) at the next start, and obeyed by retention
 * ({@code cleanup.policy=compact} keeps every segment).
 */
class TopicConfigStorageTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);
  LogManager manager;

  static final TopicPartition P0 = new TopicPartition("cfg", 0);
  static final TopicPartition P1 = new TopicPartition("cfg", 1);

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  @Test
  void overrides_storedAppliedAndReloaded_copyRepaired() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log p0 = manager.createLog(P0, Map.of("retention.ms", "5000"));
    Log p1 = manager.createLog(P1, Map.of("retention.ms", "5000"));
    assertEquals(5000, p0.config().retentionMs());
    assertEquals("retention.ms=5000\n", Files.readString(dir.resolve("cfg-1/topic.config")));

    manager.alterTopicConfig("cfg", Map.of("segment.bytes", "2048", "cleanup.policy", "compact"));
    assertEquals(2048, p1.config().segmentBytes());
    assertTrue(p1.config().cleanupCompact());
    assertFalse(p1.config().cleanupDelete());
    assertEquals(smallConfig(dir).retentionMs(), p1.config().retentionMs());
    assertEquals(
        Map.of("segment.bytes", "2048", "cleanup.policy", "compact"), manager.topicConfig("cfg"));

    // A crash while the copies were being rewritten: partition 1 still has an older copy.
    manager.close();
    Files.writeString(dir.resolve("cfg-1/topic.config"), "retention.ms=1\n");
    manager = LogManager.open(smallConfig(dir), clock);
    Log reloaded = manager.log(P1).orElseThrow();
    assertEquals(2048, reloaded.config().segmentBytes());
    assertEquals(
        Files.readString(dir.resolve("cfg-0/topic.config")),
        Files.readString(dir.resolve("cfg-1/topic.config")));

    manager.alterTopicConfig("cfg", Map.of());
    assertFalse(Files.exists(dir.resolve("cfg-0/topic.config")));
    assertEquals(Map.of(), manager.topicConfig("cfg"));
    assertEquals(smallConfig(dir).segmentBytes(), reloaded.config().segmentBytes());
  }

  @Test
  void badOverride_invalidConfigNamingIt_nothingStored() {
    manager = LogManager.open(smallConfig(dir), clock);
    manager.createLog(P0);
    SluiceException e =
        assertThrows(
            SluiceException.class,
            () -> manager.alterTopicConfig("cfg", Map.of("min.cleanable.dirty.ratio", "2")));
    assertEquals(Errors.INVALID_CONFIG, e.error());
    assertEquals(
        "Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be between 0 and 1",
        e.getMessage());
    SluiceException unknown =
        assertThrows(
            SluiceException.class, () -> manager.alterTopicConfig("cfg", Map.of("colour", "red")));
    assertEquals("Unknown topic config name: colour", unknown.getMessage());
    assertFalse(Files.exists(dir.resolve("cfg-0/topic.config")));
    SluiceException missing =
        assertThrows(SluiceException.class, () -> manager.alterTopicConfig("other", Map.of()));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, missing.error());
  }

  @Test
  void retention_compactOnlyTopic_keepsEverySegment_untilDeleteIsAdded() throws Exception {
    manager = LogManager.open(smallConfig(dir).toBuilder().retentionMs(60_000).build(), clock);
    Log log = manager.createLog(P0, Map.of("cleanup.policy", "compact"));
    long old = clock.millis() - 120_000;
    for (int i = 0; i < 40; i++) {
      log.append(TestBatches.sized("k" + i, 900, old));
    }
    int segments = log.segments().size();
    assertTrue(segments > 2, "the test needs several segments");
    manager.runRetention();
    assertEquals(segments, log.segments().size());
    assertEquals(0, log.logStartOffset());

    manager.alterTopicConfig("cfg", Map.of("cleanup.policy", "compact,delete"));
    manager.runRetention();
    assertEquals(1, log.segments().size());
    assertTrue(log.logStartOffset() > 0);
  }

  @Test
  void validate_kafkaWording() {
    assertEquals("compact,delete", TopicConfigKey.CLEANUP_POLICY.validate(" Compact,delete "));
    SluiceException policy =
        assertThrows(SluiceException.class, () -> TopicConfigKey.CLEANUP_POLICY.validate("tidy"));
    assertEquals(
        "Invalid value tidy for configuration cleanup.policy: String must be one of: compact,"
            + " delete",
        policy.getMessage());
    SluiceException type =
        assertThrows(
            SluiceException.class,
            () -> TopicConfigKey.MESSAGE_TIMESTAMP_TYPE.validate("createtime"));
    assertEquals(Errors.INVALID_CONFIG, type.error());
  }
}
