package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.baseOffsets;
import static io.sluice.broker.storage.StorageTestSupport.readAndRelease;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
  @TempDir Path dir;
  MutableClock clock = new MutableClock(1_700_000_000_000L);
  LogManager manager;
  Log log;

  @BeforeEach
  void open() {
    manager = LogManager.open(smallConfig(dir), clock);
    log = manager.createLog(TP);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void append_threeBatches_assignsContiguousOffsetsAndPatchesBaseOffset() {
    ByteBuffer a = TestBatches.batch("a", 3, 1000);
    ByteBuffer b = TestBatches.batch("b", 1, 1001);
    AppendResult first = log.append(a);
    AppendResult second = log.append(TestBatches.concat(b, TestBatches.batch("c", 2, 1002)));

    assertEquals(0, first.firstOffset());
    assertEquals(2, first.lastOffset());
    assertEquals(3, second.firstOffset());
    assertEquals(5, second.lastOffset());
    assertEquals(6, log.logEndOffset());
    assertEquals(6, log.highWatermark());
    assertEquals(0, log.logStartOffset());
    assertEquals(0L, a.getLong(0), "the caller's buffer carries the assigned baseOffset");
  }

  @Test
  void read_offsetInsideBatch_returnsWholeBatchesWithTheStoredBytes() {
    ByteBuffer a = TestBatches.batch("a", 3, 1000);
    ByteBuffer b = TestBatches.batch("b", 2, 1001);
    byte[] expectedA = TestBatches.withBaseOffset(a, 0);
    byte[] expectedB = TestBatches.withBaseOffset(b, 3);
    log.append(a);
    log.append(b);

    byte[] fromOne = readAndRelease(log.read(1, 1 << 20));
    byte[] fromFour = readAndRelease(log.read(4, 1 << 20));

    ByteBuffer both = ByteBuffer.allocate(expectedA.length + expectedB.length);
    both.put(expectedA).put(expectedB);
    assertArrayEquals(both.array(), fromOne);
    assertArrayEquals(expectedB, fromFour);
  }

  @Test
  void read_maxBytesSmallerThanFirstBatch_returnsTheWholeFirstBatch() {
    ByteBuffer a = TestBatches.sized("a", 500, 1000);
    log.append(a);
    log.append(TestBatches.sized("b", 500, 1000));

    FileSlice slice = log.read(0, 10);
    assertEquals(a.remaining(), slice.length());
    assertEquals(0, slice.position());
    slice.release();
  }

  @Test
  void read_maxBytesCutsSecondBatch_endsInPartialBatch() {
    ByteBuffer a = TestBatches.sized("a", 300, 1000);
    int first = a.remaining();
    log.append(a);
    log.append(TestBatches.sized("b", 300, 1000));

    byte[] bytes = readAndRelease(log.read(0, first + 100));
    assertEquals(first + 100, bytes.length);
    assertEquals(List.of(0L), baseOffsets(bytes), "only the first batch is complete");
  }

  @Test
  void read_atLogEnd_returnsEmptySlice() {
    log.append(TestBatches.batch("a", 2, 1000));
    FileSlice slice = log.read(2, 1000);
    assertEquals(0, slice.length());
    slice.release();
  }

  @Test
  void read_outsideLog_throwsOffsetOutOfRange() {
    log.append(TestBatches.batch("a", 2, 1000));
    SluiceException e = assertThrows(SluiceException.class, () -> log.read(3, 1000));
    assertEquals(Errors.OFFSET_OUT_OF_RANGE, e.error());
    assertTrue(e.getMessage().contains("offset=3"), e.getMessage());
    assertEquals(
        Errors.OFFSET_OUT_OF_RANGE,
        assertThrows(SluiceException.class, () -> log.read(-1, 1000)).error());
  }

  @Test
  void release_calledTwice_throws() {
    log.append(TestBatches.batch("a", 1, 1000));
    FileSlice slice = log.read(0, 100);
    slice.release();
    assertThrows(IllegalStateException.class, slice::release);
  }

  @Test
  void append_corruptCrc_isRejectedWithCorruptMessageAndNothingWritten() {
    ByteBuffer bad = TestBatches.batch("a", 2, 1000);
    bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 1));
    SluiceException e = assertThrows(SluiceException.class, () -> log.append(bad));
    assertEquals(Errors.CORRUPT_MESSAGE, e.error());
    assertEquals(0, log.logEndOffset());
  }

  @Test
  void append_truncatedBatch_isRejected() {
    ByteBuffer good = TestBatches.batch("a", 2, 1000);
    ByteBuffer truncated = good.duplicate();
    truncated.limit(good.limit() - 3);
    assertEquals(
        Errors.CORRUPT_MESSAGE,
        assertThrows(SluiceException.class, () -> log.append(truncated)).error());
  }

  @Test
  void append_batchLargerThanMaxMessageBytes_isRejectedWithMessageTooLarge() {
    manager.close();
    manager = LogManager.open(smallConfig(dir).toBuilder().maxMessageBytes(200).build(), clock);
    log = manager.log(TP).orElseThrow();
    SluiceException e =
        assertThrows(SluiceException.class, () -> log.append(TestBatches.sized("x", 400, 1000)));
    assertEquals(Errors.MESSAGE_TOO_LARGE, e.error());
  }

  @Test
  void append_beyondSegmentBytes_rollsAndEveryOffsetStaysReadable() throws IOException {
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ByteBuffer batch = TestBatches.sized("r" + i, 700, 1000 + i);
      expected.add(TestBatches.withBaseOffset(batch, i));
      log.append(batch);
    }
    assertTrue(log.segments().size() >= 4, "segments=" + log.segments().size());
    for (int i = 0; i < 100; i++) {
      byte[] got = readAndRelease(log.read(i, 1));
      assertArrayEquals(expected.get(i), got, "offset " + i);
    }
    try (Stream<Path> files = Files.list(dir.resolve("orders-0"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.contains("00000000000000000000.log"), names.toString());
      assertTrue(names.contains("00000000000000000000.index"), names.toString());
      assertTrue(names.contains("00000000000000000000.timeindex"), names.toString());
    }
    long secondBase = log.segments().higherKey(0L);
    assertTrue(Files.exists(dir.resolve("orders-0").resolve(LogFiles.logName(secondBase))));
    assertEquals(
        0, Files.size(dir.resolve("orders-0/00000000000000000000.index")) % OffsetIndex.ENTRY_SIZE);
    assertTrue(
        Files.size(dir.resolve("orders-0/00000000000000000000.index")) < 4096,
        "a sealed segment's index is trimmed");
  }

  @Test
  void append_afterRollMs_rollsByAge() {
    log.append(TestBatches.batch("a", 1, 1000));
    clock.advance(LogConfig.DAY_MS * 7);
    log.append(TestBatches.batch("b", 1, 1000));
    assertEquals(2, log.segments().size());
    assertEquals(1L, log.segments().lastKey());
  }

  @Test
  void offsetForTimestamp_usesTimeIndex_returnsFirstBatchAtOrAfter() {
    for (int i = 0; i < 50; i++) {
      log.append(TestBatches.sized("t" + i, 300, 10_000 + i * 10L));
    }
    assertEquals(0, log.offsetForTimestamp(0).offset());
    assertEquals(0, log.offsetForTimestamp(10_000).offset());
    assertEquals(21, log.offsetForTimestamp(10_205).offset());
    assertEquals(49, log.offsetForTimestamp(10_490).offset());
    assertEquals(-1, log.offsetForTimestamp(10_491).offset());
  }

  @Test
  void offsetForTimestamp_recordsWithIncreasingTimestamps_returnsExactRecordAndItsTimestamp() {
    log.append(TestBatches.batch("a", 2, 100)); // offsets 0-1 at 100
    log.append(timestamped(Compression.NONE, 1000, 2000, 3000, 4000, 5000)); // offsets 2-6
    assertEquals(new TimestampOffset(0, 100), log.offsetForTimestamp(50));
    assertEquals(new TimestampOffset(2, 1000), log.offsetForTimestamp(101));
    assertEquals(new TimestampOffset(4, 3000), log.offsetForTimestamp(2500));
    assertEquals(new TimestampOffset(4, 3000), log.offsetForTimestamp(3000));
    assertEquals(new TimestampOffset(6, 5000), log.offsetForTimestamp(4001));
    assertEquals(TimestampOffset.NONE, log.offsetForTimestamp(5001));
  }

  @Test
  void offsetForTimestamp_compressedBatch_returnsBaseOffsetAndMaxTimestamp() {
    log.append(TestBatches.batch("a", 3, 10)); // offsets 0-2
    log.append(timestamped(Compression.gzip().build(), 100, 200, 300)); // offsets 3-5
    assertEquals(new TimestampOffset(3, 300), log.offsetForTimestamp(250));
  }

  @Test
  void offsetForTimestamp_batchOverMaxBatchBytes_answersBatchWithoutReadingRecords()
      throws IOException {
    log.append(timestamped(Compression.NONE, 1000, 2000, 3000)); // offsets 0-2
    LogSegment segment = log.segments().firstEntry().getValue();
    assertEquals(
        new TimestampOffset(1, 2000),
        SegmentReader.offsetForTimestamp(segment, 1500, segment.size(), 1 << 20));
    // A length above the limit (a damaged one, say) must not size a heap buffer.
    assertEquals(
        new TimestampOffset(0, 3000),
        SegmentReader.offsetForTimestamp(segment, 1500, segment.size(), 61));
  }

  private static ByteBuffer timestamped(Compression compression, long... timestamps) {
    SimpleRecord[] records = new SimpleRecord[timestamps.length];
    for (int i = 0; i < timestamps.length; i++) {
      records[i] = new SimpleRecord(timestamps[i], new byte[] {(byte) i}, new byte[] {(byte) i});
    }
    return MemoryRecords.withRecords(compression, records).buffer();
  }

  @Test
  void segmentFiles_areReadableByKafkasFileRecords() throws IOException {
    for (int i = 0; i < 40; i++) {
      log.append(TestBatches.sized("k" + i, 600, 5000 + i));
    }
    long expectedOffset = 0;
    int batches = 0;
    try (Stream<Path> files = Files.list(dir.resolve("orders-0"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        try (FileRecords records = FileRecords.open(file.toFile(), false)) {
          for (RecordBatch batch : records.batches()) {
            batch.ensureValid();
            assertEquals(expectedOffset, batch.baseOffset());
            assertEquals(2, batch.magic());
            expectedOffset = batch.lastOffset() + 1;
            batches++;
          }
        }
      }
    }
    assertEquals(40, batches);
    assertEquals(40, expectedOffset);
  }

  @Test
  void offsetIndex_entriesPointAtBatchesWhoseLastOffsetMatches() throws IOException {
    for (int i = 0; i < 30; i++) {
      log.append(TestBatches.batch("i" + i, 3, 1000));
    }
    LogSegment segment = log.segments().firstEntry().getValue();
    assertTrue(segment.offsetIndex.entries() > 0);
    for (int n = 0; n < segment.offsetIndex.entries(); n++) {
      OffsetIndex.Entry entry = segment.offsetIndex.entry(n);
      BatchHeader header = segment.readHeader(entry.position(), segment.size());
      assertEquals(entry.offset(), header.lastOffset(), "entry " + n);
    }
  }

  @Test
  void appendListener_runsAfterPublish_seesNewEnd() {
    List<Long> seen = new ArrayList<>();
    log.addAppendListener(() -> seen.add(log.logEndOffset()));
    log.append(TestBatches.batch("a", 4, 1000));
    assertEquals(List.of(4L), seen);
  }

  @Test
  void reopen_afterCleanClose_skipsScanAndContinuesOffsets() {
    for (int i = 0; i < 30; i++) {
      log.append(TestBatches.sized("c" + i, 900, 1000));
    }
    manager.close();
    assertTrue(Files.exists(dir.resolve(LogFiles.CLEAN_SHUTDOWN)));
    manager = LogManager.open(smallConfig(dir), clock);
    log = manager.log(TP).orElseThrow();
    assertEquals(0, manager.lastRecovery().segmentsScanned());
    assertEquals(0, manager.lastRecovery().uncleanDirectories());
    assertFalse(Files.exists(dir.resolve(LogFiles.CLEAN_SHUTDOWN)), "marker removed at start");
    assertEquals(30, log.logEndOffset());
    assertEquals(30, log.append(TestBatches.batch("next", 1, 1000)).firstOffset());
    assertEquals(31, StorageTestSupport.readAllBatches(log, 0).size());
  }

  @Test
  void firstStart_directoryWithoutPartitions_isNotUnclean() throws IOException {
    manager.close();
    Path fresh = dir.resolve("fresh");
    Files.createDirectories(fresh);
    // What a broker writes before its first partition exists: meta.properties (and the lock).
    Files.writeString(fresh.resolve("meta.properties"), "version=1\n");
    manager = LogManager.open(smallConfig(fresh), clock);
    assertEquals(0, manager.lastRecovery().uncleanDirectories());
    log = manager.createLog(TP);
  }

  @Test
  void append_producerLeaderEpoch_overwrittenWithTheLogsEpochOutsideTheCrc() {
    log.append(TestBatches.withLeaderEpoch(TestBatches.batch("a", 2, 1000), 12345));
    log.append(TestBatches.withLeaderEpoch(TestBatches.batch("b", 1, 1000), -1));
    log.leaderEpoch(7);
    log.append(TestBatches.withLeaderEpoch(TestBatches.batch("c", 1, 1000), 0));
    // Any value is accepted and replaced, as Kafka does, also those below -1.
    log.append(TestBatches.withLeaderEpoch(TestBatches.batch("d", 1, 1000), -5));
    log.append(TestBatches.withLeaderEpoch(TestBatches.batch("e", 1, 1000), Integer.MIN_VALUE));

    List<byte[]> batches = StorageTestSupport.readAllBatches(log, 0); // checks every CRC
    assertEquals(5, batches.size());
    assertEquals(7, ByteBuffer.wrap(batches.get(3)).getInt(12));
    assertEquals(7, ByteBuffer.wrap(batches.get(4)).getInt(12));
    assertEquals(0, ByteBuffer.wrap(batches.get(0)).getInt(12));
    assertEquals(0, ByteBuffer.wrap(batches.get(1)).getInt(12));
    assertEquals(7, ByteBuffer.wrap(batches.get(2)).getInt(12));
  }

  @Test
  void deleteTopic_removesDirectoryAndLog() {
    log.append(TestBatches.batch("a", 1, 1000));
    manager.createLog(new TopicPartition("orders", 1));
    assertEquals(2, manager.partitionCount("orders"));
    manager.deleteTopic("orders");
    assertEquals(0, manager.partitionCount("orders"));
    assertFalse(Files.exists(dir.resolve("orders-0")));
    assertFalse(Files.exists(dir.resolve("orders-1")));
  }

  @Test
  void sealedIndexFiles_rawBytesFollowKafkasFormat() throws IOException {
    for (int i = 0; i < 60; i++) {
      log.append(TestBatches.sized("f" + i, 400, 10_000 + i));
    }
    Path partition = dir.resolve("orders-0");
    byte[] logBytes = Files.readAllBytes(partition.resolve(LogFiles.logName(0)));
    ByteBuffer logBuf = ByteBuffer.wrap(logBytes);
    ByteBuffer index =
        ByteBuffer.wrap(Files.readAllBytes(partition.resolve(LogFiles.indexName(0))));
    assertEquals(0, index.remaining() % 8);
    assertTrue(index.remaining() >= 8 * 5, "entries=" + index.remaining() / 8);
    int previousPosition = -1;
    while (index.hasRemaining()) {
      int relative = index.getInt();
      int position = index.getInt();
      assertTrue(position > previousPosition);
      long batchLast = logBuf.getLong(position) + logBuf.getInt(position + 23);
      assertEquals(relative, batchLast, "entry names the last offset of the batch at its position");
      previousPosition = position;
    }
    ByteBuffer time =
        ByteBuffer.wrap(Files.readAllBytes(partition.resolve(LogFiles.timeIndexName(0))));
    assertEquals(0, time.remaining() % 12);
    long previousTimestamp = -1;
    while (time.hasRemaining()) {
      long timestamp = time.getLong();
      int relative = time.getInt();
      assertTrue(timestamp > previousTimestamp);
      assertEquals(10_000 + relative, timestamp, "one record per batch, timestamps rising");
      previousTimestamp = timestamp;
    }
  }
}
