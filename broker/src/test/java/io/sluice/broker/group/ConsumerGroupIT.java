package io.sluice.broker.group;

import static io.sluice.broker.group.GroupClients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import io.sluice.testing.ExpectedLogs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three official Kafka consumers share a 6-partition topic while a producer writes to it; one is
 * closed (LeaveGroup), one is killed with SIGKILL in a child JVM (it just stops heartbeating), one
 * joins late. Every acknowledged record is read at least once, no partition is ever owned by two
 * members at once, and the committed offsets end at the log ends.
 */
class ConsumerGroupIT {
  private static final Logger log = LoggerFactory.getLogger(ConsumerGroupIT.class);
  static final String TOPIC = "orders";
  static final String GROUP = "billing";
  static final int PARTITIONS = 6;

  /** Members that stay: long enough that a busy machine does not expel one by accident. */
  static final int SESSION_MS = 10_000;

  /** The member that gets killed: short, so that its death is noticed quickly. */
  static final int KILLED_SESSION_MS = 3_000;

  static final int HEARTBEAT_MS = 500;
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  static Set<TopicPartition> allPartitions() {
    return IntStream.range(0, PARTITIONS)
        .mapToObj(p -> new TopicPartition(TOPIC, p))
        .collect(Collectors.toSet());
  }

  static Map<String, String> brokerOverrides() {
    return Map.of("num.partitions", "" + PARTITIONS, "group.min.session.timeout.ms", "1000");
  }

  @Test
  @Timeout(240)
  void threeConsumers_oneClosedOneKilledOneLate_everyRecordReadAndCommittedToLogEnd()
      throws Exception {
    // The killed member's connection is reset under the broker, which may log it.
    ExpectedLogs.expect("WARN", "io.sluice.broker.server.RequestDispatcher", "after an error")
        .optional();
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, brokerOverrides())) {
      String bootstrap = broker.bootstrapServers();
      GroupClients.createTopic(bootstrap, TOPIC, PARTITIONS);
      GroupClients.Consumed consumed = new GroupClients.Consumed();
      Map<TopicPartition, String> owners = new ConcurrentHashMap<>();
      AtomicInteger overlaps = new AtomicInteger();
      GroupClients.BackgroundProducer producer =
          new GroupClients.BackgroundProducer(bootstrap, TOPIC, PARTITIONS, 20_000);
      List<GroupClients.TrackedConsumer> inProcess = new ArrayList<>();
      ChildConsumer child = null;
      try {
        GroupClients.TrackedConsumer a = tracked("a", bootstrap, consumed, owners, overlaps);
        GroupClients.TrackedConsumer b = tracked("b", bootstrap, consumed, owners, overlaps);
        inProcess.add(a);
        inProcess.add(b);
        child = new ChildConsumer(bootstrap, consumed);
        ChildConsumer c = child;

        assertTrue(
            await(WAIT, () -> sharedWithoutOverlap(List.of(a.owned, b.owned, c.owned()), 2)),
            "three members with two partitions each: " + a.owned + b.owned + c.owned());

        a.close();
        assertTrue(
            await(WAIT, () -> sharedWithoutOverlap(List.of(b.owned, c.owned()), 3)),
            "after a left: " + b.owned + c.owned());

        c.kill();
        assertTrue(
            await(WAIT, () -> sharedWithoutOverlap(List.of(b.owned), 6)),
            "after c was killed: " + b.owned);

        GroupClients.TrackedConsumer d = tracked("d", bootstrap, consumed, owners, overlaps);
        inProcess.add(d);
        assertTrue(
            await(WAIT, () -> sharedWithoutOverlap(List.of(b.owned, d.owned), 3)),
            "after d joined: " + b.owned + d.owned);
        Thread.sleep(500);
      } finally {
        producer.close();
      }

      Map<Integer, Set<Long>> acked = producer.ackedByPartition();
      assertTrue(
          await(WAIT, () -> allRead(acked, consumed)),
          "acked " + producer.acked.size() + ", read " + consumed.distinct());
      assertTrue(
          await(WAIT, () -> committedAtEnd(bootstrap)),
          "committed offsets never reached the log ends");
      for (GroupClients.TrackedConsumer consumer : inProcess) {
        consumer.close();
        assertNull(consumer.failure(), consumer.name);
      }
      if (child != null) {
        child.kill();
      }
      assertEquals(0, overlaps.get(), "partitions owned by two members at once");
      assertEquals(0, producer.failed.get(), "failed sends");
      log.info(
          "group run: {} records acknowledged, {} reads ({} distinct), {} overlaps",
          producer.acked.size(),
          consumed.total(),
          consumed.distinct(),
          overlaps.get());
    }
  }

  static GroupClients.TrackedConsumer tracked(
      String name,
      String bootstrap,
      GroupClients.Consumed consumed,
      Map<TopicPartition, String> owners,
      AtomicInteger overlaps) {
    return new GroupClients.TrackedConsumer(
        name,
        GroupClients.consumer(bootstrap, GROUP, SESSION_MS, HEARTBEAT_MS),
        TOPIC,
        consumed,
        owners,
        overlaps);
  }

  /** The members' assignments are disjoint, cover the topic, and each has {@code each}. */
  static boolean sharedWithoutOverlap(List<Set<TopicPartition>> assignments, int each) {
    Set<TopicPartition> union = new HashSet<>();
    for (Set<TopicPartition> owned : assignments) {
      if (owned.size() != each) {
        return false;
      }
      for (TopicPartition partition : owned) {
        if (!union.add(partition)) {
          return false;
        }
      }
    }
    return union.equals(allPartitions());
  }

  static boolean allRead(Map<Integer, Set<Long>> acked, GroupClients.Consumed consumed) {
    for (Map.Entry<Integer, Set<Long>> entry : acked.entrySet()) {
      TopicPartition partition = new TopicPartition(TOPIC, entry.getKey());
      for (long offset : entry.getValue()) {
        if (!consumed.contains(partition, offset)) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean committedAtEnd(String bootstrap) {
    Map<TopicPartition, Long> ends = GroupClients.endOffsets(bootstrap, allPartitions());
    Map<TopicPartition, OffsetAndMetadata> committed =
        GroupClients.committed(bootstrap, GROUP, allPartitions());
    for (TopicPartition partition : allPartitions()) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset == null || offset.offset() != ends.get(partition)) {
        return false;
      }
    }
    return true;
  }

  /** {@link GroupConsumerMain} in a child JVM; its reads go into the shared record. */
  static final class ChildConsumer {
    private final Process process;
    private final Thread reader;
    private volatile Set<TopicPartition> owned = Set.of();

    ChildConsumer(String bootstrap, GroupClients.Consumed consumed) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  GroupConsumerMain.class.getName(),
                  bootstrap,
                  GROUP,
                  TOPIC,
                  Integer.toString(KILLED_SESSION_MS),
                  Integer.toString(HEARTBEAT_MS))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    if (line.startsWith("R ")) {
                      String[] parts = line.split(" ");
                      consumed.add(
                          new TopicPartition(TOPIC, Integer.parseInt(parts[1])),
                          Long.parseLong(parts[2]));
                    } else if (line.startsWith("A ")) {
                      Set<TopicPartition> partitions = new HashSet<>();
                      for (String p : line.substring(2).split(",")) {
                        if (!p.isBlank()) {
                          partitions.add(new TopicPartition(TOPIC, Integer.parseInt(p.trim())));
                        }
                      }
                      owned = Set.copyOf(partitions);
                    }
                  }
                } catch (java.io.IOException ended) {
                  // The process is gone.
                }
              },
              "child-consumer-output");
      reader.start();
    }

    Set<TopicPartition> owned() {
      return owned;
    }

    /** SIGKILL: no LeaveGroup, no more heartbeats. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
      reader.join(5_000);
      owned = Set.of();
    }
  }
}
