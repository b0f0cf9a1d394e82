package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static io.sluice.broker.storage.StorageTestSupport.readAndRelease;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failure-catalogue items (docs/storage.md, Tests) 3 (torn tail), 4 (crash in
 * roll/retention/checkpoint), 5 (index), 6 (bits).
 */
class RecoveryTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  private Path partitionDir() {
    return dir.resolve(TP.directoryName());
  }

  /** Writes {@code n} batches and returns their stored bytes, then crashes (no clean marker). */
  private List<byte[]> writeAndCrash(int n, int batchBytes) {
    LogManager manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    List<byte[]> stored = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuffer batch = TestBatches.sized("v" + i, batchBytes, 1000 + i);
      stored.add(TestBatches.withBaseOffset(batch, i));
      log.append(batch);
    }
    manager.crashForTest();
    return stored;
  }

  private LogManager reopen() {
    return LogManager.open(smallConfig(dir), clock);
  }

  private Path activeLogFile() throws IOException {
    try (Stream<Path> files = Files.list(partitionDir())) {
      return files.filter(p -> p.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
    }
  }

  private static void assertBatches(List<byte[]> expected, Log log) {
    List<byte[]> got = readAllBatches(log, log.logStartOffset());
    assertEquals(expected.size(), got.size(), "batch count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), "batch " + i);
    }
  }

  @Test
  void recover_tornTailAtEveryByteOfLastBatch_truncatesToPreviousBatchAndAppendsContinue()
      throws IOException {
    List<byte[]> stored = writeAndCrash(6, 150);
    Path file = activeLogFile();
    byte[] full = Files.readAllBytes(file);
    int lastStart = full.length - stored.get(5).length;
    for (int cut = lastStart; cut < full.length; cut++) {
      Files.write(file, Arrays.copyOf(full, cut));
      LogManager manager = reopen();
      Log log = manager.log(TP).orElseThrow();
      assertEquals(5, log.logEndOffset(), "cut at " + cut);
      assertEquals(cut - lastStart, manager.lastRecovery().bytesTruncated(), "cut at " + cut);
      assertBatches(stored.subList(0, 5), log);
      AppendResult next = log.append(TestBatches.batch("after", 1, 2000));
      assertEquals(5, next.firstOffset());
      manager.crashForTest();
    }
  }

  @Test
  void recover_zerosOrRandomBytesAfterLastBatch_truncatesThemAndKeepsEveryBatch()
      throws IOException {
    List<byte[]> stored = writeAndCrash(5, 200);
    Path file = activeLogFile();
    byte[] full = Files.readAllBytes(file);
    Random random = new Random(42);
    for (int extra : new int[] {1, 11, 12, 61, 100, 4096}) {
      for (boolean zeros : new boolean[] {true, false}) {
        byte[] tail = new byte[extra];
        if (!zeros) {
          random.nextBytes(tail);
        }
        byte[] damaged = Arrays.copyOf(full, full.length + extra);
        System.arraycopy(tail, 0, damaged, full.length, extra);
        Files.write(file, damaged);
        LogManager manager = reopen();
        Log log = manager.log(TP).orElseThrow();
        assertEquals(5, log.logEndOffset(), "extra=" + extra + " zeros=" + zeros);
        assertEquals(extra, manager.lastRecovery().bytesTruncated());
        assertEquals(full.length, Files.size(file));
        assertBatches(stored, log);
        manager.crashForTest();
      }
    }
  }

  @Test
  void recover_corruptBatchInMiddle_truncatesThereAndDropsLaterSegments() throws IOException {
    List<byte[]> stored = writeAndCrash(60, 700);
    Path first = partitionDir().resolve(LogFiles.logName(0));
    byte[] bytes = Files.readAllBytes(first);
    int position = stored.get(0).length + stored.get(1).length + 100;
    bytes[position] ^= 0x10;
    Files.write(first, bytes);

    LogManager manager = reopen();
    Log log = manager.log(TP).orElseThrow();
    RecoveryReport.PartitionRecovery report = manager.lastRecovery().partitions().get(0);
    assertEquals(2, log.logEndOffset());
    assertEquals(1, report.lastValidOffset());
    assertTrue(report.segmentsDeleted() >= 2, report.toString());
    assertTrue(report.problem().contains("crc="), report.problem());
    assertTrue(report.problem().contains(first.getFileName().toString()), report.problem());
    assertBatches(stored.subList(0, 2), log);
    assertEquals(1, log.segments().size());
    manager.close();
  }

  @Test
  void reopen_afterCrashRightAfterRoll_keepsEveryOffsetWithoutGapOrOverlap() throws IOException {
    LogManager manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    List<byte[]> stored = new ArrayList<>();
    int i = 0;
    while (log.segments().size() < 3) {
      ByteBuffer batch = TestBatches.sized("r" + i, 900, 1000);
      stored.add(TestBatches.withBaseOffset(batch, i));
      log.append(batch);
      i++;
    }
    long newBase = log.segments().lastKey();
    manager.crashForTest();
    // The roll created the new segment; its first batch and indexes may or may not have made it.
    Files.deleteIfExists(partitionDir().resolve(LogFiles.indexName(newBase)));
    Files.deleteIfExists(partitionDir().resolve(LogFiles.timeIndexName(newBase)));
    Files.write(partitionDir().resolve(LogFiles.logName(newBase)), new byte[0]);

    manager = reopen();
    log = manager.log(TP).orElseThrow();
    assertEquals(newBase, log.logEndOffset());
    assertBatches(stored.subList(0, (int) newBase), log);
    assertEquals(newBase, log.append(TestBatches.batch("x", 1, 1000)).firstOffset());
    manager.close();
  }

  @Test
  void reopen_afterCrashBetweenRetentionCheckpointAndRename_finishesTheDeletion()
      throws IOException {
    List<byte[]> stored = writeAndCrash(60, 700);
    LogManager manager = reopen();
    Log log = manager.log(TP).orElseThrow();
    List<Long> bases = new ArrayList<>(log.segments().keySet());
    manager.close();
    long newStart = bases.get(2);
    Checkpoint.write(
        FileIo.system(), dir.resolve(LogFiles.LOG_START_CHECKPOINT), Map.of(TP, newStart));
    // A leftover of a rename that happened before the crash.
    Files.write(partitionDir().resolve("00000000000000000000.index.deleted"), new byte[8]);

    manager = reopen();
    log = manager.log(TP).orElseThrow();
    assertEquals(newStart, log.logStartOffset());
    assertFalse(Files.exists(partitionDir().resolve(LogFiles.logName(bases.get(0)))));
    assertFalse(Files.exists(partitionDir().resolve("00000000000000000000.index.deleted")));
    assertBatches(stored.subList((int) newStart, stored.size()), log);
    manager.close();
  }

  @Test
  void reopen_withTornCheckpointTempAndDamagedCheckpoint_ignoresThemAndScans() throws IOException {
    List<byte[]> stored = writeAndCrash(20, 500);
    Files.write(
        dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT + ".tmp"), "0\n3\norders 0".getBytes());
    Files.write(dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), "0\n1\norders".getBytes());
    LogManager manager = reopen();
    Log log = manager.log(TP).orElseThrow();
    assertTrue(manager.lastRecovery().segmentsScanned() >= 1);
    assertBatches(stored, log);
    manager.close();
    Map<TopicPartition, Long> written =
        Checkpoint.read(dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT));
    assertEquals(Map.of(TP, 20L), written);
  }

  @Test
  void reopen_withRecoveryPoint_scansOnlyFromTheSegmentHoldingIt() throws IOException {
    List<byte[]> stored = writeAndCrash(60, 700);
    LogManager manager = reopen();
    int segments = manager.log(TP).orElseThrow().segments().size();
    assertEquals(segments, manager.lastRecovery().segmentsScanned());
    manager.close();
    Files.delete(dir.resolve(LogFiles.CLEAN_SHUTDOWN)); // as if it crashed after the checkpoint
    manager = reopen();
    assertEquals(1, manager.lastRecovery().segmentsScanned(), "only the active segment");
    assertBatches(stored, manager.log(TP).orElseThrow());
    manager.close();
  }

  private List<byte[]> writeAndCloseCleanly(int n) {
    LogManager manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    List<byte[]> stored = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuffer batch = TestBatches.sized("v" + i, 400, 1000 + i);
      stored.add(TestBatches.withBaseOffset(batch, i));
      log.append(batch);
    }
    manager.close();
    return stored;
  }

  @Test
  void reopen_indexesDeletedZeroedGarbageOrPastEof_rebuildsAndEveryOffsetReadable()
      throws IOException {
    List<byte[]> stored = writeAndCloseCleanly(100);
    Path index = partitionDir().resolve(LogFiles.indexName(0));
    Path timeIndex = partitionDir().resolve(LogFiles.timeIndexName(0));
    byte[] goodIndex = Files.readAllBytes(index);
    Random random = new Random(7);
    List<byte[]> damages = new ArrayList<>();
    damages.add(null); // deleted
    damages.add(new byte[goodIndex.length]); // zeroed
    damages.add("  ".getBytes()); // two spaces
    byte[] garbage = new byte[goodIndex.length];
    random.nextBytes(garbage);
    damages.add(garbage);
    byte[] pastEof = goodIndex.clone();
    ByteBuffer.wrap(pastEof).putInt(pastEof.length - 4, 1 << 30);
    damages.add(pastEof);
    for (int d = 0; d < damages.size(); d++) {
      byte[] damage = damages.get(d);
      if (damage == null) {
        Files.delete(index);
        Files.delete(timeIndex);
      } else {
        Files.write(index, damage);
        Files.write(timeIndex, damage);
      }
      LogManager manager = reopen();
      Log log = manager.log(TP).orElseThrow();
      for (int i = 0; i < stored.size(); i++) {
        assertArrayEquals(stored.get(i), readAndRelease(log.read(i, 1)), "offset " + i);
      }
      LogSegment first = log.segments().firstEntry().getValue();
      assertNull(
          first.offsetIndex.sanityCheck(
              first.size(), SegmentRecovery.readTail(first).nextOffset() - 1));
      assertTrue(first.offsetIndex.entries() > 0, "rebuilt after damage " + d);
      assertEquals(1010, log.offsetForTimestamp(1010).offset() + 1000);
      manager.close();
    }
  }

  @Test
  void reopen_orphanIndex_isDeleted() throws IOException {
    writeAndCloseCleanly(3);
    Path orphan = partitionDir().resolve(LogFiles.indexName(12345));
    Files.write(orphan, new byte[16]);
    LogManager manager = reopen();
    assertFalse(Files.exists(orphan));
    manager.close();
  }

  @Test
  void read_bitFlipInSealedSegment_isAlwaysDetectedAndOtherBatchesStayReadable()
      throws IOException {
    List<byte[]> stored = writeAndCloseCleanly(60);
    Path first = partitionDir().resolve(LogFiles.logName(0));
    byte[] original = Files.readAllBytes(first);
    int[] starts = new int[stored.size() + 1];
    for (int i = 0; i < stored.size(); i++) {
      starts[i + 1] = starts[i] + stored.get(i).length;
    }
    Random random = new Random(2024);
    int detected = 0;
    int flips = 60;
    for (int f = 0; f < flips; f++) {
      // Only bytes inside the file's batches: magic, CRC and everything the CRC covers.
      int batch;
      do {
        batch = random.nextInt(stored.size());
      } while (starts[batch + 1] > original.length);
      int within = 16 + random.nextInt(stored.get(batch).length - 16);
      int position = starts[batch] + within;
      byte[] damaged = original.clone();
      damaged[position] ^= (byte) (1 << random.nextInt(8));
      Files.write(first, damaged);

      LogManager manager = reopen();
      Log log = manager.log(TP).orElseThrow();
      for (int i = 0; i < stored.size(); i++) {
        if (i == batch) {
          final int offset = i;
          SluiceException e = assertThrows(SluiceException.class, () -> log.read(offset, 1));
          assertEquals(Errors.CORRUPT_MESSAGE, e.error());
          assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
          assertTrue(e.getMessage().contains("position " + starts[batch]), e.getMessage());
          detected++;
        } else {
          assertArrayEquals(stored.get(i), readAndRelease(log.read(i, 1)), "offset " + i);
        }
      }
      // A multi-batch read stops before the corrupt batch.
      if (batch > 0) {
        byte[] upTo = readAndRelease(log.read(0, 1 << 20));
        assertEquals(starts[batch], upTo.length);
      }
      manager.close();
    }
    Files.write(first, original);
    assertEquals(flips, detected);
  }

  @Test
  void read_bitFlipInBaseOffsetOfSealedBatch_isDetectedByContinuity() throws IOException {
    List<byte[]> stored = writeAndCloseCleanly(60);
    Path first = partitionDir().resolve(LogFiles.logName(0));
    byte[] original = Files.readAllBytes(first);
    int batch = 10;
    int start = 0;
    for (int i = 0; i < batch; i++) {
      start += stored.get(i).length;
    }
    for (int bit : new int[] {0, 3, 7}) { // offset 10 becomes 11, 2 (downwards) and 138
      byte[] damaged = original.clone();
      damaged[start + 7] ^= (byte) (1 << bit);
      Files.write(first, damaged);
      LogManager manager = reopen();
      Log log = manager.log(TP).orElseThrow();
      SluiceException e = assertThrows(SluiceException.class, () -> log.read(batch, 1));
      assertEquals(Errors.CORRUPT_MESSAGE, e.error(), "bit " + bit);
      byte[] upTo = readAndRelease(log.read(0, 1 << 20));
      assertEquals(start, upTo.length, "a multi-batch read stops before the damaged batch");
      assertArrayEquals(stored.get(batch + 1), readAndRelease(log.read(batch + 1, 1)));
      manager.close();
    }
    Files.write(first, original);
  }
}
