package io.sluice.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.Errors;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Topic creation publishes all partitions at once; deletion removes them all at once. */
class TopicsTest {
  private static final int TOPICS = 12;
  private static final int PARTITIONS = 6;
  private static final int CREATORS = 3;
  private static final int READERS = 2;

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void create_concurrentCreatorsAndReaders_readersSeeNoTopicOrAllPartitions() throws Exception {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs);
      ExecutorService pool = Executors.newFixedThreadPool(CREATORS + READERS);
      AtomicBoolean creating = new AtomicBoolean(true);
      CountDownLatch start = new CountDownLatch(1);
      Map<Integer, Integer> partialCounts = new ConcurrentHashMap<>();
      AtomicInteger missingLogs = new AtomicInteger();
      AtomicInteger reads = new AtomicInteger();
      try {
        List<Future<List<Errors>>> creators = new ArrayList<>();
        for (int c = 0; c < CREATORS; c++) {
          creators.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<Errors> results = new ArrayList<>();
                    for (int t = 0; t < TOPICS; t++) {
                      results.add(topics.create("topic-" + t, PARTITIONS, false));
                    }
                    return results;
                  }));
        }
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          readers.add(
              pool.submit(
                  () -> {
                    start.await();
                    do {
                      for (int t = 0; t < TOPICS; t++) {
                        String name = "topic-" + t;
                        int count = topics.partitionCount(name);
                        if (count != 0 && count != PARTITIONS) {
                          partialCounts.merge(count, 1, Integer::sum);
                        }
                        if (topics.exists(name) && topics.log(name, PARTITIONS - 1).isEmpty()) {
                          missingLogs.incrementAndGet();
                        }
                        reads.incrementAndGet();
                      }
                    } while (creating.get());
                    return null;
                  }));
        }
        start.countDown();
        int created = 0;
        int alreadyExisted = 0;
        for (Future<List<Errors>> creator : creators) {
          for (Errors result : creator.get(30, TimeUnit.SECONDS)) {
            if (result == Errors.NONE) {
              created++;
            } else if (result == Errors.TOPIC_ALREADY_EXISTS) {
              alreadyExisted++;
            }
          }
        }
        creating.set(false);
        for (Future<?> reader : readers) {
          reader.get(30, TimeUnit.SECONDS);
        }
        assertEquals(Map.of(), partialCounts, "partition counts seen while topics were created");
        assertEquals(0, missingLogs.get(), "published topics whose last partition had no log");
        assertEquals(TOPICS, created);
        assertEquals(TOPICS * (CREATORS - 1), alreadyExisted);
        assertTrue(reads.get() > 0);
        assertEquals(TOPICS, topics.all().size());
        for (int t = 0; t < TOPICS; t++) {
          assertEquals(PARTITIONS, logs.partitionCount("topic-" + t));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void delete_publishedTopic_goneWithAllItsLogs() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs);
      assertEquals(Errors.NONE, topics.create("doomed", 3, false));
      assertEquals(Errors.NONE, topics.create("kept", 2, false));

      assertEquals(Errors.NONE, topics.delete("doomed"));

      assertEquals(0, topics.partitionCount("doomed"));
      assertTrue(topics.log("doomed", 0).isEmpty());
      assertEquals(0, logs.partitionCount("doomed"));
      assertEquals(Set.of("kept"), topics.all());
      assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, topics.delete("doomed"));
    }
  }

  @Test
  void create_validateOnly_publishesNothing() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs);

      assertEquals(Errors.NONE, topics.create("dry", 4, true));

      assertEquals(0, topics.partitionCount("dry"));
      assertEquals(0, logs.partitionCount("dry"));
    }
  }

  @Test
  void constructor_existingLogs_publishedWithTheirCounts() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      new Topics(logs).create("events", 5, false);
    }
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics reopened = new Topics(logs);

      assertEquals(5, reopened.partitionCount("events"));
      assertTrue(reopened.log("events", 4).isPresent());
      assertTrue(reopened.log("events", 5).isEmpty());
    }
  }

  @Test
  void isValidName_kafkaRules_acceptsLegalAndRejectsTheRest() {
    for (String legal : List.of("a", "orders", "Orders.v2", "my_topic-1", "x".repeat(249), "...")) {
      org.junit.jupiter.api.Assertions.assertTrue(TopicNames.isValid(legal), legal);
    }
    for (String illegal :
        java.util.Arrays.asList(
            null,
            "",
            ".",
            "..",
            "x".repeat(250),
            "with space",
            "slash/topic",
            "é",
            "tab\t",
            "a:b")) {
      org.junit.jupiter.api.Assertions.assertFalse(TopicNames.isValid(illegal), illegal);
    }
  }
}
