package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.readAndRelease;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.FileRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log compaction on a real log: the latest value of every key survives pass after pass with its
 * offset, tombstones go after {@code delete.retention.ms}, the map's memory bound is met by several
 * passes, {@code min.compaction.lag.ms} and the dirty ratio hold a pass back, a producer's last
 * batch stays, a fetch in flight keeps reading the old file, and cleaned segments pass recovery and
 * Kafka's own segment reader ({@code FileRecords}).
 */
class CompactionTest {
  static final long T0 = 1_700_000_000_000L;
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  LogManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  static CompactionSettings settings(long deleteRetentionMs) {
    return new CompactionSettings(deleteRetentionMs, 0, 0.5);
  }

  /** One batch of (key, value) pairs; a null value is a tombstone. */
  static ByteBuffer batch(long timestamp, Compression compression, String... keyValues) {
    RecordBatchBuilder builder = new RecordBatchBuilder().compression(compression);
    for (int i = 0; i < keyValues.length; i += 2) {
      builder.append(timestamp, utf8(keyValues[i]), utf8(keyValues[i + 1]));
    }
    return builder.build();
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every record the log serves from its start: offset -> (key, value). */
  static Map<Long, String[]> contents(Log log) {
    Map<Long, String[]> out = new LinkedHashMap<>();
    for (byte[] bytes : readAllBatches(log, log.logStartOffset())) {
      RecordBatch batch = RecordBatch.at(ByteBuffer.wrap(bytes), 0);
      batch.validate();
      for (Record r : batch) {
        out.put(r.offset(), new String[] {string(r.key()), string(r.value())});
      }
    }
    return out;
  }

  private static String string(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The latest value of each key as appended, with its offset. */
  static void assertLatestPresent(
      Map<String, Long> latestOffset, Map<String, String> latest, Log log) {
    Map<Long, String[]> served = contents(log);
    for (Map.Entry<String, Long> e : latestOffset.entrySet()) {
      String[] record = served.get(e.getValue());
      String key = e.getKey();
      if (latest.get(key) == null && record == null) {
        continue; // a tombstone that was allowed to go
      }
      assertTrue(
          record != null, "latest record of " + key + " at offset " + e.getValue() + " is gone");
      assertEquals(key, record[0]);
      assertEquals(latest.get(key), record[1]);
    }
    // Nothing served for a key is later than its latest.
    for (Map.Entry<Long, String[]> e : served.entrySet()) {
      Long latestOf = latestOffset.get(e.getValue()[0]);
      assertTrue(latestOf != null && e.getKey() <= latestOf, "offset " + e.getKey());
    }
  }

  private LogCleaner cleaner(int mapBytes) {
    return manager.newCleaner(mapBytes, Throttle.unlimited(), LogCleaner.NO_HOOK);
  }

  @Test
  void latestValuePerKey_survivesManyPasses_offsetsUnchanged_andRecoveryAcceptsTheLog()
      throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    Map<String, Long> latestOffset = new HashMap<>();
    Map<String, String> latest = new HashMap<>();
    LogCleaner cleaner = cleaner(1 << 16);
    Compression[] codecs = {
      Compression.none(), Compression.of(CompressionType.GZIP), Compression.of(CompressionType.LZ4)
    };
    int removedTotal = 0;
    for (int round = 0; round < 15; round++) {
      for (int i = 0; i < 40; i++) {
        String key = "k" + ((i * 7 + round) % 30);
        String value = "v" + round + "-" + i + "-" + "x".repeat(100);
        long offset =
            log.append(batch(clock.millis(), codecs[i % codecs.length], key, value)).firstOffset();
        latestOffset.put(key, offset);
        latest.put(key, value);
      }
      clock.advance(1000);
      LogCleaner.Result result = cleaner.clean(log, settings(86_400_000L), true);
      removedTotal += result.batchesRemoved();
      assertLatestPresent(latestOffset, latest, log);
    }
    assertTrue(removedTotal > 200, "removed " + removedTotal);
    long sealed =
        log.segments().headMap(log.segments().lastKey()).values().stream()
            .mapToLong(LogSegment::size)
            .sum();
    assertTrue(sealed < 30 * 2 * 200 + log.segments().size() * 61L * 40, "sealed bytes " + sealed);
    long end = log.logEndOffset();
    Map<Long, String[]> before = contents(log);

    // Kafka's segment reader reads every cleaned segment.
    try (Stream<Path> files = Files.list(log.directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        try (FileRecords records = FileRecords.open(file.toFile(), false)) {
          for (var b : records.batches()) {
            b.ensureValid();
            for (var r : b) {
              assertTrue(r.offset() >= b.baseOffset() && r.offset() <= b.lastOffset());
            }
          }
        }
      }
    }

    // An unclean restart scans and accepts every cleaned segment.
    manager.crashForTest();
    manager = LogManager.open(smallConfig(dir), clock);
    Log reopened = manager.log(TP).orElseThrow();
    assertEquals(end, reopened.logEndOffset());
    assertEquals(0, manager.lastRecovery().bytesTruncated());
    Map<Long, String[]> after = contents(reopened);
    assertEquals(before.keySet(), after.keySet());
    assertLatestPresent(latestOffset, latest, reopened);
  }

  @Test
  void tombstone_keptUntilDeleteRetention_thenRemovedWithTheValuesBefore() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    log.append(batch(clock.millis(), Compression.none(), "gone", "v1"));
    log.append(batch(clock.millis(), Compression.none(), "kept", "v1"));
    long tombstone =
        log.append(batch(clock.millis(), Compression.none(), "gone", null)).firstOffset();
    for (int i = 0; i < 300; i++) { // fill segments so that the tombstone is sealed
      log.append(batch(clock.millis(), Compression.none(), "filler" + (i % 3), "x".repeat(200)));
    }
    LogCleaner cleaner = cleaner(1 << 16);
    cleaner.clean(log, settings(3_600_000L), true);
    Map<Long, String[]> served = contents(log);
    assertTrue(served.containsKey(tombstone), "tombstone kept within delete.retention.ms");
    assertNull(served.get(tombstone)[1]);
    assertTrue(served.values().stream().noneMatch(r -> r[0].equals("gone") && r[1] != null));

    clock.advance(2 * 3_600_000L);
    for (int i = 0; i < 300; i++) { // a pass runs when there is dirty data to clean
      log.append(batch(clock.millis(), Compression.none(), "filler" + (i % 3), "y".repeat(200)));
    }
    cleaner.clean(log, settings(3_600_000L), true);
    served = contents(log);
    assertTrue(served.values().stream().noneMatch(r -> r[0].equals("gone")), "tombstone removed");
    assertTrue(served.values().stream().anyMatch(r -> r[0].equals("kept")));
  }

  @Test
  void smallMap_severalPasses_eachBoundedByTheMap_endWithLatestOfEveryKey() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    Map<String, Long> latestOffset = new HashMap<>();
    Map<String, String> latest = new HashMap<>();
    for (int round = 0; round < 4; round++) {
      for (int k = 0; k < 60; k++) {
        String value = "r" + round + "x".repeat(80);
        latestOffset.put(
            "k" + k,
            log.append(batch(clock.millis(), Compression.none(), "k" + k, value)).firstOffset());
        latest.put("k" + k, value);
      }
    }
    for (int i = 0; i < 200; i++) {
      latestOffset.put(
          "tail",
          log.append(batch(clock.millis(), Compression.none(), "tail", "t" + i)).firstOffset());
      latest.put("tail", "t" + i);
    }
    LogCleaner cleaner =
        manager.newCleaner(24 * 40, Throttle.unlimited(), LogCleaner.NO_HOOK); // 20 keys
    long previous = -1;
    int passes = 0;
    while (true) {
      LogCleaner.Result r = cleaner.clean(log, settings(86_400_000L), true);
      if (r.mappedEnd() < 0) {
        break;
      }
      assertTrue(r.mappedEnd() > previous, "each pass goes further");
      previous = r.mappedEnd();
      passes++;
      assertLatestPresent(latestOffset, latest, log);
    }
    assertTrue(passes >= 3, "passes=" + passes);
  }

  @Test
  void minCompactionLagAndDirtyRatio_holdPassesBack() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    for (int i = 0; i < 400; i++) {
      log.append(
          batch(clock.millis(), Compression.none(), "k" + (i % 5), "v" + i + "x".repeat(100)));
    }
    LogCleaner cleaner = cleaner(1 << 16);
    CompactionSettings lagged = new CompactionSettings(0, 60_000, 0.5);
    assertEquals(LogCleaner.Result.NOTHING, cleaner.clean(log, lagged, true));
    clock.advance(60_001);
    LogCleaner.Result first = cleaner.clean(log, lagged, false);
    assertTrue(first.batchesRemoved() > 300, first.toString());
    // Nothing new: the dirty ratio is 0 and an unforced pass does nothing.
    assertEquals(0.0, cleaner.dirtyRatio(log, lagged));
    assertEquals(LogCleaner.Result.NOTHING, cleaner.clean(log, lagged, false));
  }

  @Test
  void producersLastBatch_keptEvenWhenSuperseded_soIdempotenceSurvives() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    for (int seq = 0; seq < 5; seq++) {
      log.append(
          new RecordBatchBuilder()
              .producer(77L, (short) 0, seq)
              .append(clock.millis(), utf8("k"), utf8("p" + seq))
              .build());
    }
    for (int i = 0; i < 300; i++) {
      log.append(batch(clock.millis(), Compression.none(), "k", "later" + i + "x".repeat(100)));
    }
    cleaner(1 << 16).clean(log, settings(0), true);
    List<byte[]> batches = readAllBatches(log, 0);
    long producerBatches =
        batches.stream()
            .filter(b -> RecordBatch.at(ByteBuffer.wrap(b), 0).producerId() == 77L)
            .count();
    assertEquals(1, producerBatches, "only the producer's last batch");
    RecordBatch kept =
        batches.stream()
            .map(b -> RecordBatch.at(ByteBuffer.wrap(b), 0))
            .filter(b -> b.producerId() == 77L)
            .findFirst()
            .orElseThrow();
    assertEquals(4, kept.baseSequence());
    // A retry of that batch is still recognised as a duplicate.
    var retry =
        log.append(
            new RecordBatchBuilder()
                .producer(77L, (short) 0, 4)
                .append(clock.millis(), utf8("k"), utf8("p4"))
                .build());
    assertTrue(retry.duplicate());
    assertEquals(4, retry.firstOffset());
  }

  @Test
  void fetchInFlight_keepsReadingTheOldFile_afterTheSwap() throws Exception {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    for (int i = 0; i < 300; i++) {
      log.append(
          batch(clock.millis(), Compression.none(), "k" + (i % 3), "v" + i + "x".repeat(100)));
    }
    FileSlice inFlight = log.read(0, 8192);
    byte[] expected;
    {
      FileSlice again = log.read(0, 8192);
      expected = readAndRelease(again);
    }
    LogCleaner.Result r = cleaner(1 << 16).clean(log, settings(0), true);
    assertTrue(r.segmentsRewritten() > 0);
    assertArrayEquals(expected, readAndRelease(inFlight), "the old bytes, through the old file");
    StorageTestSupport.await(
        "the replaced segments are unlinked", () -> manager.pendingDeletions() == 0);
    try (Stream<Path> files = Files.list(log.directory)) {
      assertEquals(
          List.of(),
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".deleted") || n.endsWith(".cleaned") || n.endsWith(".swap"))
              .toList());
    }
  }

  @Test
  void cleanerThread_compactsALogMarkedCompacted_andLeavesOthersAlone() throws Exception {
    LogConfig config =
        smallConfig(dir).toBuilder()
            .cleaner(new LogConfig.CleanerConfig(true, 2, 1 << 20, Long.MAX_VALUE, 20))
            .build();
    manager = LogManager.open(config, clock);
    Log compacted = manager.createLog(TP);
    Log plain = manager.createLog(new TopicPartition("plain", 0));
    for (int i = 0; i < 300; i++) {
      ByteBuffer b =
          batch(clock.millis(), Compression.none(), "k" + (i % 4), "v" + i + "x".repeat(100));
      compacted.append(b.duplicate());
      plain.append(b);
    }
    long plainBytes = plain.sizeInBytes();
    compacted.compact(settings(86_400_000L));
    StorageTestSupport.await(
        "the cleaner thread compacts the log", () -> contents(compacted).size() < 60);
    Map<Long, String[]> served = contents(compacted);
    for (int k = 0; k < 4; k++) {
      String key = "k" + k;
      assertTrue(served.values().stream().anyMatch(r -> r[0].equals(key)), key);
    }
    assertEquals(plainBytes, plain.sizeInBytes(), "a log without compaction settings is untouched");
    assertEquals(300, contents(plain).size());
  }
}
