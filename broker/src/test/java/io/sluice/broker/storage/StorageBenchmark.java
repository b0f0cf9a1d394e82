package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage figures of docs/storage.md. Excluded from the default build; run with
 *
 * <pre>
 * mvn -B -q -pl broker -am verify -Dspotless.check.skip=true -Dbenchmark.excludedGroups=none \
 *     -Dgroups=benchmark -Dtest=StorageBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Each figure is the median of three runs; every run is bounded (a fixed byte count or seconds).
 */
@Tag("benchmark")
class StorageBenchmark {
  private static final int RUNS = 3;
  private static final long PAGE_CACHE_BYTES = 128L << 20;
  private static final long DURABLE_MILLIS = 3000;
  private static final int THREADS = 8;
  @TempDir Path root;
  private int runId;

  private static ByteBuffer batch(int records, int valueBytes) {
    SimpleRecord[] rs = new SimpleRecord[records];
    for (int i = 0; i < records; i++) {
      byte[] value = new byte[valueBytes];
      Arrays.fill(value, (byte) ('a' + i % 26));
      rs[i] = new SimpleRecord(1_700_000_000_000L, ("key" + i).getBytes(), value);
    }
    return MemoryRecords.withRecords(Compression.NONE, rs).buffer();
  }

  private Path freshDir() throws IOException {
    return Files.createDirectories(root.resolve("run-" + runId++));
  }

  private static LogConfig config(Path dir, long flushMs) {
    return LogConfig.builder(List.of(dir)).flushIntervalMs(flushMs).build();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    return sorted.get(sorted.size() / 2);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** MB/s by wall time and by the appending thread's CPU time (robust on a shared machine). */
  private record Throughput(double wall, double cpu) {}

  private static final ThreadMXBean THREADS_BEAN = ManagementFactory.getThreadMXBean();

  private Throughput sluiceAppend(ByteBuffer batch, long bytes) throws IOException {
    Path dir = freshDir();
    LogManager manager = LogManager.open(config(dir, Long.MAX_VALUE), Clock.systemUTC());
    Log log = manager.createLog(TP);
    long n = bytes / batch.remaining();
    long cpu = THREADS_BEAN.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) {
      log.append(batch.duplicate());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (THREADS_BEAN.getCurrentThreadCpuTime() - cpu) / 1e9;
    manager.close(); // flushes outside the timing, so the next run starts from a clean cache
    deleteTree(dir);
    double mb = n * batch.remaining() / (double) (1 << 20);
    return new Throughput(mb / seconds, mb / cpuSeconds);
  }

  private Throughput plainWrite(ByteBuffer batch, long bytes) throws IOException {
    Path dir = freshDir();
    long n = bytes / batch.remaining();
    double seconds;
    double cpuSeconds;
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve("plain.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long cpu = THREADS_BEAN.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      for (long i = 0; i < n; i++) {
        ByteBuffer b = batch.duplicate();
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      seconds = (System.nanoTime() - start) / 1e9;
      cpuSeconds = (THREADS_BEAN.getCurrentThreadCpuTime() - cpu) / 1e9;
      ch.force(false); // as the log's close does, outside the timing
    }
    deleteTree(dir);
    double mb = n * batch.remaining() / (double) (1 << 20);
    return new Throughput(mb / seconds, mb / cpuSeconds);
  }

  @Test
  void pageCacheAppend_versusPlainFileChannelWrite() throws IOException {
    ByteBuffer batch = batch(16, 1000); // about 16 KiB, as a busy producer sends
    sluiceAppend(batch, 16L << 20); // warm-up
    plainWrite(batch, 16L << 20);
    List<Throughput> sluice = new ArrayList<>();
    List<Throughput> plain = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      sluice.add(sluiceAppend(batch, PAGE_CACHE_BYTES));
      plain.add(plainWrite(batch, PAGE_CACHE_BYTES));
    }
    double sluiceWall = median(sluice.stream().map(Throughput::wall).toList());
    double plainWall = median(plain.stream().map(Throughput::wall).toList());
    double sluiceCpu = median(sluice.stream().map(Throughput::cpu).toList());
    double plainCpu = median(plain.stream().map(Throughput::cpu).toList());
    System.out.printf(
        "FIGURE page-cache append: batch=%d B, %d MiB per run: Log.append %.0f MB/s, plain"
            + " FileChannel.write %.0f MB/s, ratio %.2f; per CPU second %.0f vs %.0f MB,"
            + " ratio %.2f (runs: %s vs %s)%n",
        batch.remaining(),
        PAGE_CACHE_BYTES >> 20,
        sluiceWall,
        plainWall,
        sluiceWall / plainWall,
        sluiceCpu,
        plainCpu,
        sluiceCpu / plainCpu,
        sluice,
        plain);
  }

  /** Latencies in microseconds and bytes written by one durable run. */
  private record DurableRun(double mbPerSecond, double p50Micros, double p99Micros, long batches) {}

  private DurableRun groupCommit(ByteBuffer batch) throws Exception {
    Path dir = freshDir();
    LogManager manager = LogManager.open(config(dir, Long.MAX_VALUE), Clock.systemUTC());
    Log log = manager.createLog(TP);
    DurableRun run =
        runThreads(
            batch,
            b -> {
              AppendResult r = log.append(b);
              log.awaitFlush(r.lastOffset()).get(10, TimeUnit.SECONDS);
            });
    manager.close();
    deleteTree(dir);
    return run;
  }

  private DurableRun fsyncPerBatch(ByteBuffer batch) throws Exception {
    Path dir = freshDir();
    Object lock = new Object();
    DurableRun run;
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve("plain.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      run =
          runThreads(
              batch,
              b -> {
                synchronized (lock) {
                  while (b.hasRemaining()) {
                    ch.write(b);
                  }
                  ch.force(false);
                }
              });
    }
    deleteTree(dir);
    return run;
  }

  private interface DurableAppend {
    void append(ByteBuffer batch) throws Exception;
  }

  private DurableRun runThreads(ByteBuffer batch, DurableAppend append) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<long[]> latencies = new ArrayList<>();
    int[] counts = new int[THREADS];
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long[] mine = new long[200_000];
      latencies.add(mine);
      final int index = t;
      threads.add(
          new Thread(
              () -> {
                try {
                  while (!stop.get() && counts[index] < mine.length) {
                    long start = System.nanoTime();
                    append.append(batch.duplicate());
                    mine[counts[index]++] = System.nanoTime() - start;
                  }
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              }));
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(DURABLE_MILLIS);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(List.of(), failures);
    long total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[(int) total];
    int at = 0;
    for (int t = 0; t < THREADS; t++) {
      System.arraycopy(latencies.get(t), 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new DurableRun(
        total * batch.remaining() / seconds / (1 << 20),
        all[all.length / 2] / 1000.0,
        all[(int) (all.length * 0.99)] / 1000.0,
        total);
  }

  @Test
  void durableAppend_groupCommitVersusFsyncPerBatch() throws Exception {
    ByteBuffer batch = batch(1, 1000); // 1 KiB batches: the case where fsync cost dominates
    List<DurableRun> group = new ArrayList<>();
    List<DurableRun> single = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      group.add(groupCommit(batch));
      single.add(fsyncPerBatch(batch));
    }
    report("group commit (Log.append + awaitFlush)", batch, group);
    report("one fsync per batch (write + force under a lock)", batch, single);
  }

  private static void report(String what, ByteBuffer batch, List<DurableRun> runs) {
    System.out.printf(
        "FIGURE durable %s: %d threads, batch=%d B, %d s per run: %.2f MB/s, p50 %.0f us,"
            + " p99 %.0f us (runs: %s)%n",
        what,
        THREADS,
        batch.remaining(),
        DURABLE_MILLIS / 1000,
        median(runs.stream().map(DurableRun::mbPerSecond).toList()),
        median(runs.stream().map(DurableRun::p50Micros).toList()),
        median(runs.stream().map(DurableRun::p99Micros).toList()),
        runs);
  }

  @Test
  void recoveryScan_megabytesPerSecond() throws IOException {
    Path dir = freshDir();
    LogConfig config = config(dir, Long.MAX_VALUE).toBuilder().segmentBytes(64 << 20).build();
    LogManager manager = LogManager.open(config, Clock.systemUTC());
    Log log = manager.createLog(TP);
    ByteBuffer batch = batch(16, 1000);
    long n = PAGE_CACHE_BYTES / batch.remaining();
    for (long i = 0; i < n; i++) {
      log.append(batch.duplicate());
    }
    manager.crashForTest();
    List<Double> speeds = new ArrayList<>();
    long scanned = 0;
    for (int r = 0; r < RUNS + 1; r++) {
      manager = LogManager.open(config, Clock.systemUTC());
      RecoveryReport report = manager.lastRecovery();
      assertEquals(0, report.bytesTruncated());
      assertEquals(n * 16, manager.log(TP).orElseThrow().logEndOffset());
      scanned = report.bytesScanned();
      if (r > 0) { // the first open warms the JIT
        speeds.add(scanned / (report.durationMs() / 1000.0) / (1 << 20));
      }
      manager.crashForTest();
    }
    System.out.printf(
        "FIGURE recovery scan: %d MiB in %d segments, page cache warm: %.0f MB/s (runs: %s)%n",
        scanned >> 20, (scanned + (64 << 20) - 1) / (64 << 20), median(speeds), speeds);
  }
}
