package io.sluice.broker.group;

import static io.sluice.broker.group.GroupClients.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two figures users feel, measured with the official consumer and Sluice's defaults, and logged
 * (never asserted: timing is the machine's business). The assertions check only that each step
 * happened. Run: {@code mvn -pl broker -am verify -Dit.test=GroupTimingIT}.
 */
class GroupTimingIT {
  private static final String TOPIC = "timing";

  @TempDir Path dataDir;

  @Test
  @Timeout(120)
  void subscribeToFirstRecord_singleConsumerOnFreshBroker_logged() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of())) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(GroupClients.producer(broker.bootstrapServers()))) {
        producer.send(new ProducerRecord<>(TOPIC, new byte[] {1})).get();
      }
      List<Long> millis = new ArrayList<>();
      for (int run = 0; run < 3; run++) {
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                GroupClients.consumer(broker.bootstrapServers(), "first-" + run, 45_000, 3_000))) {
          long start = System.nanoTime();
          consumer.subscribe(List.of(TOPIC));
          int read = 0;
          while (read == 0 && System.nanoTime() - start < 30_000_000_000L) {
            read = consumer.poll(Duration.ofMillis(10)).count();
          }
          assertTrue(read > 0, "no record within 30 s");
          millis.add((System.nanoTime() - start) / 1_000_000);
        }
      }
      report("subscribe to first record (new group, 3 runs): " + millis + " ms");
    }
  }

  @Test
  @Timeout(120)
  void rebalanceAfterLeave_threeMembers_logged() throws Exception {
    for (int heartbeatMs : new int[] {3_000, 500}) {
      Path dir = dataDir.resolve("heartbeat-" + heartbeatMs);
      try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of("num.partitions", "6"))) {
        String bootstrap = broker.bootstrapServers();
        GroupClients.createTopic(bootstrap, TOPIC, 6);
        GroupClients.Consumed consumed = new GroupClients.Consumed();
        Map<TopicPartition, String> owners = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        List<GroupClients.TrackedConsumer> members = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
          members.add(
              new GroupClients.TrackedConsumer(
                  name,
                  GroupClients.consumer(bootstrap, "timing", 45_000, heartbeatMs),
                  TOPIC,
                  consumed,
                  owners,
                  overlaps));
        }
        assertTrue(
            await(
                Duration.ofSeconds(60), () -> members.stream().allMatch(m -> m.owned.size() == 2)),
            "three members with two partitions each");
        GroupClients.TrackedConsumer b = members.get(1);
        GroupClients.TrackedConsumer c = members.get(2);
        long start = System.nanoTime();
        members.get(0).close();
        assertTrue(
            await(Duration.ofSeconds(60), () -> b.owned.size() == 3 && c.owned.size() == 3),
            "two members with three partitions each");
        long millis = (System.nanoTime() - start) / 1_000_000;
        report(
            "rebalance of 3 members after one leaves, heartbeat.interval.ms="
                + heartbeatMs
                + ": "
                + millis
                + " ms");
        b.close();
        c.close();
      }
    }
  }

  /** The figures are this test's output: printed whatever the log level of the test run. */
  private static void report(String figure) {
    System.out.println("GroupTimingIT: " + figure);
  }
}
