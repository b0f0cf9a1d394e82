package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.await;
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
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention by time and size, and failure 11 of docs/testing.md (retention under an active reader).
 */
class RetentionTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);
  LogManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private List<byte[]> fill(Log log, int n, long timestamp) {
    List<byte[]> stored = new ArrayList<>();
    long base = log.logEndOffset();
    for (int i = 0; i < n; i++) {
      ByteBuffer batch = TestBatches.sized("x" + i, 900, timestamp);
      stored.add(TestBatches.withBaseOffset(batch, base + i));
      log.append(batch);
    }
    return stored;
  }

  private long countFiles(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(TP.directoryName()))) {
      return files.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void retention_byTime_deletesExpiredSealedSegmentsOldestFirstNeverTheActive() throws IOException {
    manager =
        LogManager.open(
            smallConfig(dir).toBuilder().retentionMs(60_000).retentionBytes(-1).build(), clock);
    Log log = manager.createLog(TP);
    long now = clock.millis();
    fill(log, 40, now - 120_000); // old records
    List<byte[]> fresh = fill(log, 40, now);
    int segmentsBefore = log.segments().size();
    java.util.NavigableSet<Long> basesBefore = new java.util.TreeSet<>(log.segments().keySet());

    manager.runRetention();
    // The flusher may still hold a lease on a removed segment; its unlink follows its release.
    await("retention's deletions are done", () -> manager.pendingDeletions() == 0);

    long start = log.logStartOffset();
    // Every segment wholly below offset 40 (the old records) goes; the one holding offset 40
    // starts the log.
    long expectedStart = basesBefore.floor(40L);
    assertTrue(expectedStart > 0, "the test needs old segments: " + basesBefore);
    assertEquals(expectedStart, start);
    assertEquals(basesBefore.tailSet(expectedStart).size(), log.segments().size());
    assertTrue(log.segments().size() < segmentsBefore);
    assertEquals(start, log.segments().firstKey());
    assertEquals(
        Errors.OFFSET_OUT_OF_RANGE,
        assertThrows(SluiceException.class, () -> log.read(0, 100)).error());
    for (long o = 40; o < 80; o++) {
      assertArrayEquals(fresh.get((int) (o - 40)), readAndRelease(log.read(o, 1)), "offset " + o);
    }
    assertEquals(log.segments().size(), countFiles(".log"));
    assertEquals(log.segments().size(), countFiles(".index"));
    assertEquals(0, countFiles(".deleted"));
    assertEquals(Map.of(TP, start), Checkpoint.read(dir.resolve(LogFiles.LOG_START_CHECKPOINT)));

    clock.advance(10 * 60_000);
    manager.runRetention();
    await("retention's deletions are done", () -> manager.pendingDeletions() == 0);
    assertEquals(1, log.segments().size(), "only the active segment is left");
    assertEquals(1, countFiles(".log"));
    assertEquals(0, countFiles(".deleted"));
    assertEquals(80, log.logEndOffset());
  }

  @Test
  void retention_bySize_keepsTheNewestSegmentsWithinTheLimit() {
    manager =
        LogManager.open(
            smallConfig(dir).toBuilder().retentionMs(-1).retentionBytes(40_000).build(), clock);
    Log log = manager.createLog(TP);
    fill(log, 200, clock.millis());
    manager.runRetention();
    long total = log.segments().values().stream().mapToLong(LogSegment::size).sum();
    assertTrue(total <= 40_000 + 16 * 1024, "total=" + total);
    assertTrue(total >= 40_000 - 16 * 1024, "total=" + total);
    assertEquals(200, log.logEndOffset());
    assertEquals(log.segments().firstKey().longValue(), log.logStartOffset());
  }

  @Test
  void retention_segmentLeasedByReader_staysReadableUntilReleasedThenClosesAndUnlinks()
      throws IOException {
    manager =
        LogManager.open(
            smallConfig(dir).toBuilder().retentionMs(1).retentionBytes(-1).build(), clock);
    Log log = manager.createLog(TP);
    List<byte[]> stored = fill(log, 40, clock.millis());
    clock.advance(1000);
    long fdsBefore = openFileDescriptors();

    FileSlice slice = log.read(0, 1 << 20); // a fetch is sending segment 0
    LogSegment leased = log.segments().firstEntry().getValue();
    java.nio.channels.FileChannel channel = slice.channel(); // the segment forgets it once closed
    manager.runRetention();

    assertTrue(log.logStartOffset() > 0);
    assertTrue(slice.channel().isOpen(), "the lease keeps the channel open");
    assertTrue(countFiles(".log.deleted") >= 1, "renamed, waiting for the last reader");
    ByteBuffer all = ByteBuffer.allocate(slice.length());
    slice.channel().read(all, slice.position());
    int at = 0;
    for (int i = 0; i < StorageTestSupport.baseOffsets(all.array()).size(); i++) {
      byte[] expected = stored.get(i);
      byte[] got = new byte[expected.length];
      System.arraycopy(all.array(), at, got, 0, got.length);
      assertArrayEquals(expected, got, "batch " + i + " read after deletion");
      at += expected.length;
    }
    slice.release();

    await("the deleter unlinked the segment", () -> manager.pendingDeletions() == 0);
    assertFalse(channel.isOpen(), "the last release closed it");
    assertFalse(leased.channelOpen());
    assertEquals(0, countFiles(".deleted"));
    assertEquals(
        Errors.OFFSET_OUT_OF_RANGE,
        assertThrows(SluiceException.class, () -> log.read(0, 1)).error());
    assertTrue(openFileDescriptors() <= fdsBefore, "no descriptor leaked");
  }

  /** Records which thread unlinked each {@code .deleted} file. */
  private static final class UnlinkRecorder implements FileIo {
    final Map<String, String> unlinkedBy = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public java.nio.channels.FileChannel open(Path path, java.nio.file.OpenOption... options)
        throws IOException {
      return FileIo.system().open(path, options);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
      FileIo.system().move(from, to);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
      if (path.toString().endsWith(LogFiles.DELETED_SUFFIX)) {
        unlinkedBy.put(path.getFileName().toString(), Thread.currentThread().getName());
      }
      FileIo.system().deleteIfExists(path);
    }

    @Override
    public void fsyncDirectory(Path directory) throws IOException {
      FileIo.system().fsyncDirectory(directory);
    }
  }

  @Test
  void retention_lastLeaseReleasedOnAnotherThread_unlinkRunsOnTheDeleterThread() throws Exception {
    UnlinkRecorder io = new UnlinkRecorder();
    manager =
        LogManager.open(
            smallConfig(dir).toBuilder().retentionMs(1).retentionBytes(-1).build(), clock, io);
    Log log = manager.createLog(TP);
    fill(log, 40, clock.millis());
    clock.advance(1000);
    FileSlice slice = log.read(0, 1);
    long segmentsBefore = countFiles(".log");
    manager.runRetention();
    // Counted from the live segments, not from ".log.deleted" files: the deleter may already have
    // unlinked the segments no lease holds by the time this thread looks.
    int removed = (int) (segmentsBefore - countFiles(".log"));
    assertTrue(removed >= 1, "retention removed " + removed + " segment(s)");
    Thread fetchThread = new Thread(slice::release, "pretend-event-loop");
    fetchThread.start();
    fetchThread.join();
    await("the deleter unlinked every segment", () -> manager.pendingDeletions() == 0);
    assertEquals(0, countFiles(".deleted"));
    assertEquals(3 * removed, io.unlinkedBy.size(), io.unlinkedBy.toString());
    assertEquals(
        java.util.Set.of("sluice-log-deleter"),
        new java.util.HashSet<>(io.unlinkedBy.values()),
        io.unlinkedBy.toString());
  }

  @Test
  void retention_concurrentWithReadersAndAppends_readersSeeRightBytesOrOutOfRange()
      throws Exception {
    manager =
        LogManager.open(
            smallConfig(dir).toBuilder().retentionMs(-1).retentionBytes(30_000).build(), clock);
    Log log = manager.createLog(TP);
    List<byte[]> stored = java.util.Collections.synchronizedList(new ArrayList<>());
    stored.addAll(fill(log, 60, clock.millis()));
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    int[] reads = new int[1];
    Thread reader =
        new Thread(
            () -> {
              java.util.Random random = new java.util.Random(1);
              long deadline = System.nanoTime() + 1_000_000_000L;
              while (System.nanoTime() < deadline) {
                long end = Math.min(log.logEndOffset(), stored.size());
                long offset = random.nextInt((int) end);
                try {
                  byte[] got = readAndRelease(log.read(offset, 1));
                  byte[] expected = stored.get((int) offset);
                  if (!java.util.Arrays.equals(
                      expected, java.util.Arrays.copyOf(got, expected.length))) {
                    failures.add(new AssertionError("wrong bytes at " + offset));
                  }
                  reads[0]++;
                } catch (SluiceException e) {
                  if (e.error() != Errors.OFFSET_OUT_OF_RANGE) {
                    failures.add(e);
                  }
                } catch (Throwable t) {
                  failures.add(t);
                }
              }
            });
    reader.start();
    while (reader.isAlive()) {
      stored.addAll(fill(log, 5, clock.millis()));
      manager.runRetention();
    }
    reader.join();
    await("retention's deletions are done", () -> manager.pendingDeletions() == 0);
    assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())));
    assertTrue(reads[0] > 100, "reads=" + reads[0]);
    assertTrue(log.logStartOffset() > 0);
    assertEquals(0, countFiles(".deleted"));
  }

  @Test
  void deleteTopic_whileAFetchHoldsASlice_sliceStaysReadableUntilReleased() throws IOException {
    manager = LogManager.open(smallConfig(dir), clock);
    Log log = manager.createLog(TP);
    List<byte[]> stored = fill(log, 5, clock.millis());
    FileSlice slice = log.read(0, 1 << 20);
    java.nio.channels.FileChannel channel = slice.channel();
    manager.deleteTopic(TP.topic());
    assertFalse(Files.exists(dir.resolve(TP.directoryName())));
    byte[] bytes = readAndRelease(slice);
    int at = 0;
    for (byte[] batch : stored) {
      byte[] got = java.util.Arrays.copyOfRange(bytes, at, at + batch.length);
      assertArrayEquals(batch, got);
      at += batch.length;
    }
    assertFalse(channel.isOpen(), "closed with the last lease");
    assertEquals(
        Errors.NOT_LEADER_OR_FOLLOWER,
        assertThrows(SluiceException.class, () -> log.append(TestBatches.batch("late", 1, 1000)))
            .error());
  }
}
