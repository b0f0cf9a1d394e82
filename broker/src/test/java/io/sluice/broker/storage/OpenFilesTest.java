package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.await;
import static io.sluice.broker.storage.StorageTestSupport.readAndRelease;
import static io.sluice.broker.storage.StorageTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File descriptors: one per partition (its active {@code .log}) plus the segments being read plus a
 * bounded pool of idle ones; indexes hold none. Counted by the pool's own accounting and, on Linux,
 * by the descriptors under {@code /proc/self/fd} that point into the log directory.
 */
class OpenFilesTest {
  private static final int PARTITIONS = 40;
  private static final int IDLE = 8;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_700_000_000_000L);

  /** Open descriptors of this process whose target lies under {@code root}. */
  private static long descriptorsUnder(Path root) throws IOException {
    Path real = root.toRealPath();
    long n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(real)) {
            n++;
          }
        } catch (IOException e) {
          // closed between the listing and the read: not open any more
        }
      }
    }
    return n;
  }

  private static TopicPartition tp(int p) {
    return new TopicPartition("many", p);
  }

  /** Fills every partition with 40 batches of ~900 bytes: three or more 16 KiB segments each. */
  private List<List<byte[]>> fill(LogManager manager) {
    List<List<byte[]>> stored = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      Log log = manager.createLog(tp(p));
      List<byte[]> batches = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ByteBuffer batch = TestBatches.sized("p" + p + "-" + i, 900, 1000);
        batches.add(TestBatches.withBaseOffset(batch, i));
        log.append(batch);
      }
      assertTrue(log.segments().size() >= 3, "segments=" + log.segments().size());
      stored.add(batches);
    }
    return stored;
  }

  @Test
  void manyPartitions_onePerPartitionPlusBoundedIdle_leasesKeepTheirChannels() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc (Linux)");
    LogConfig config =
        smallConfig(dir).toBuilder()
            .idleSegmentFilesMax(IDLE)
            .checkpointIntervalMs(Long.MAX_VALUE / 2) // no timer opens a file meanwhile
            .build();
    List<List<byte[]>> stored;
    try (LogManager manager = LogManager.open(config, clock)) {
      stored = fill(manager);
      // Rolls parked each sealed segment in the pool (once the flusher's flush after the roll let
      // go of it); all but the last IDLE were closed.
      await(
          "the pool is back at its bound",
          () -> manager.channelPool().openChannels() == PARTITIONS + IDLE);
    }
    try (LogManager manager = LogManager.open(config, clock)) {
      SegmentChannelPool pool = manager.channelPool();
      assertEquals(PARTITIONS + IDLE, pool.openChannels(), "after loading");
      // The .lock file is the only other descriptor under the directory (indexes: none).
      assertEquals(PARTITIONS + IDLE + 1, descriptorsUnder(dir));

      // A fetch in progress on the first segment of every partition: each keeps its channel.
      List<FileSlice> slices = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        slices.add(manager.log(tp(p)).orElseThrow().read(0, 1));
      }
      assertTrue(pool.openChannels() >= 2 * PARTITIONS, "open=" + pool.openChannels());
      assertTrue(pool.openChannels() <= 2 * PARTITIONS + IDLE, "open=" + pool.openChannels());
      for (int p = 0; p < PARTITIONS; p++) {
        FileSlice slice = slices.get(p);
        assertTrue(slice.channel().isOpen());
        assertArrayEquals(stored.get(p).get(0), readAndRelease(slice));
      }
      assertEquals(PARTITIONS + IDLE, pool.openChannels(), "released: back to the bound");
      assertEquals(IDLE, pool.idleChannels());
      assertEquals(PARTITIONS + IDLE + 1, descriptorsUnder(dir));

      // Every offset of every partition still reads right, reopening evicted files as needed.
      for (int p = 0; p < PARTITIONS; p++) {
        Log log = manager.log(tp(p)).orElseThrow();
        for (int o = 0; o < 40; o++) {
          assertArrayEquals(stored.get(p).get(o), readAndRelease(log.read(o, 1)), p + "/" + o);
        }
      }
      assertEquals(PARTITIONS + IDLE, pool.openChannels());
    }
    assertEquals(0, descriptorsUnder(dir), "closed: nothing left open");
  }

  @Test
  void noIdlePool_sealedSegmentsClosed_retentionOfAReopenedLeasedSegment() throws Exception {
    LogConfig config = smallConfig(dir).toBuilder().idleSegmentFilesMax(0).retentionMs(1).build();
    try (LogManager manager = LogManager.open(config, clock)) {
      Log log = manager.createLog(tp(0));
      List<byte[]> stored = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ByteBuffer batch = TestBatches.sized("x" + i, 900, clock.millis());
        stored.add(TestBatches.withBaseOffset(batch, i));
        log.append(batch);
      }
      LogSegment first = log.segments().firstEntry().getValue();
      await(
          "only the active segment's file is open",
          () -> manager.channelPool().openChannels() == 1);
      assertFalse(first.channelOpen());

      FileSlice slice = log.read(0, 1); // reopens segment 0
      assertTrue(first.channelOpen());
      clock.advance(1000);
      manager.runRetention(); // renames segment 0 under the lease
      assertTrue(log.logStartOffset() > 0);
      assertArrayEquals(stored.get(0), readAndRelease(slice), "readable after the rename");
      await("deleted", () -> manager.pendingDeletions() == 0);
      assertFalse(first.channelOpen());
      assertEquals(1, manager.channelPool().openChannels());
      try (Stream<Path> files = Files.list(dir.resolve(tp(0).directoryName()))) {
        assertEquals(0, files.filter(f -> f.toString().endsWith(".deleted")).count());
      }
    }
  }
}
