package io.sluice.broker.purgatory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.broker.metadata.Topics;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.Errors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parked-fetch bookkeeping: an entry per log exactly while a fetch is parked on it. */
class FetchWaitersTest {
  private static final int TOPICS = 5;
  private static final int PARTITIONS = 2;

  @TempDir Path dir;

  @Test
  void unpark_topicsDeletedWithParkedFetches_noEntryLeft() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs);
      FetchWaiters waiters = new FetchWaiters();
      List<Log> parkedOn = new ArrayList<>();
      Runnable first = () -> {};
      Runnable second = () -> {};
      for (int t = 0; t < TOPICS; t++) {
        assertEquals(Errors.NONE, topics.create("doomed-" + t, PARTITIONS, false));
        for (int p = 0; p < PARTITIONS; p++) {
          Log log = topics.log("doomed-" + t, p).orElseThrow();
          waiters.park(log, first);
          waiters.park(log, second);
          parkedOn.add(log);
        }
      }
      assertEquals(TOPICS * PARTITIONS, waiters.parkedLogs());

      for (int t = 0; t < TOPICS; t++) {
        assertEquals(Errors.NONE, topics.delete("doomed-" + t));
      }
      // The parked fetches answer (at the latest at max.wait.ms) and leave.
      for (Log log : parkedOn) {
        waiters.unpark(log, first);
      }
      assertEquals(TOPICS * PARTITIONS, waiters.parkedLogs());
      for (Log log : parkedOn) {
        waiters.unpark(log, second);
      }
      assertEquals(0, waiters.parkedLogs());
    }
  }

  @Test
  void park_repeatedlyOnOneLog_oneWakePerAppendAndNoneAfterUnpark() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs);
      assertEquals(Errors.NONE, topics.create("live", 1, false));
      Log log = topics.log("live", 0).orElseThrow();
      FetchWaiters waiters = new FetchWaiters();
      AtomicInteger wakes = new AtomicInteger();
      Runnable wake = wakes::incrementAndGet;
      for (int i = 0; i < 100; i++) {
        waiters.park(log, wake);
        waiters.unpark(log, wake);
      }
      assertEquals(0, waiters.parkedLogs());

      waiters.park(log, wake);
      log.append(oneRecord());
      assertEquals(1, wakes.get(), "one listener on the log, not one per past park");

      waiters.unpark(log, wake);
      log.append(oneRecord());
      assertEquals(1, wakes.get());
      assertEquals(0, waiters.parkedLogs());
    }
  }

  private static ByteBuffer oneRecord() {
    return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, new byte[] {1}))
        .buffer();
  }
}
