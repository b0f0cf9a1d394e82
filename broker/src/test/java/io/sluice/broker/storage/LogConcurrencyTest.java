package io.sluice.broker.storage;

import static io.sluice.broker.storage.StorageTestSupport.TP;
import static io.sluice.broker.storage.StorageTestSupport.readAllBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One partition appended from several threads while readers and the flusher run. */
class LogConcurrencyTest {
  @TempDir Path dir;

  @Test
  void append_fromFourThreadsWithAcksAll_offsetsUniqueContiguousAndBytesIntact() throws Exception {
    LogConfig config =
        StorageTestSupport.smallConfig(dir).toBuilder().segmentBytes(64 * 1024).build();
    LogManager manager = LogManager.open(config, new MutableClock(1_700_000_000_000L));
    Log log = manager.createLog(TP);
    Map<Long, byte[]> byOffset = new ConcurrentHashMap<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    int perThread = 150;
    for (int t = 0; t < 4; t++) {
      final int thread = t;
      threads.add(
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < perThread; i++) {
                    ByteBuffer batch = TestBatches.batch("t" + thread + "-" + i, 1 + i % 3, 1000);
                    AppendResult result = log.append(batch);
                    byOffset.put(result.firstOffset(), TestBatches.bytes(batch));
                    if (i % 10 == 0) {
                      log.awaitFlush(result.lastOffset()).get(10, TimeUnit.SECONDS);
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              }));
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                while (threads.stream().anyMatch(Thread::isAlive)) {
                  readAllBatches(log, 0); // checks every CRC; never sees a torn batch
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            });
    threads.forEach(Thread::start);
    reader.start();
    for (Thread t : threads) {
      t.join();
    }
    reader.join();
    assertEquals(List.of(), failures);

    List<byte[]> batches = readAllBatches(log, 0);
    assertEquals(4 * perThread, batches.size());
    long expected = 0;
    for (byte[] batch : batches) {
      ByteBuffer buf = ByteBuffer.wrap(batch);
      assertEquals(expected, buf.getLong(0));
      assertTrue(Arrays.equals(byOffset.get(expected), batch), "bytes at offset " + expected);
      expected += buf.getInt(23) + 1;
    }
    assertEquals(expected, log.logEndOffset());
    manager.close();
  }
}
