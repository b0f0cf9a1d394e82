package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sluice's own consumer across the loss of its group's coordinator: three brokers on an in-process
 * ZooKeeper keep the group's committed offsets in the replicated {@code __consumer_offsets}; when
 * the coordinating broker stops, a new Sluice consumer of the group finds the new coordinator and
 * resumes at exactly the committed offsets, reading every remaining record once. (Kafka's Admin
 * client only observes: which broker coordinates the group.)
 */
@Timeout(120)
class GroupFailoverClientIT {
  private static final String TOPIC = "failover";
  private static final String GROUP = "sluice-readers";
  private static final int PARTITIONS = 3;
  private static final int PER_PARTITION = 150;
  private static final long WAIT_MS = 60_000;

  private TestingServer zk;
  private final Map<Integer, Path> dirs = new HashMap<>();
  private final Map<Integer, EmbeddedBroker> brokers = new TreeMap<>();

  @BeforeEach
  void startCluster() throws Exception {
    // A 500 ms tick, so that the brokers' 4 s sessions are allowed (2..20 ticks).
    zk =
        new TestingServer(
            new InstanceSpec(
                null,
                -1,
                -1,
                -1,
                true,
                1,
                500,
                -1,
                Map.of("admin.enableServer", "false"),
                "127.0.0.1"),
            true);
    for (int id = 1; id <= 3; id++) {
      dirs.put(id, Files.createTempDirectory("sluice-client-groups-" + id + "-"));
      brokers.put(
          id,
          EmbeddedBroker.start(
              dirs.get(id),
              Map.of(
                  "zookeeper.connect", zk.getConnectString() + "/sluice",
                  "zookeeper.session.timeout.ms", "4000",
                  "broker.id", Integer.toString(id),
                  "min.insync.replicas", "2",
                  "replica.lag.time.max.ms", "2000",
                  "offsets.topic.num.partitions", "5")));
    }
  }

  @AfterEach
  void stopCluster() throws Exception {
    try {
      for (EmbeddedBroker broker : brokers.values()) {
        try {
          broker.close();
        } catch (RuntimeException e) {
          // keep stopping the others
        }
      }
    } finally {
      try {
        zk.close();
      } finally {
        for (Path dir : dirs.values()) {
          try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(file);
            }
          }
        }
      }
    }
  }

  private String bootstrap() {
    List<String> all = new ArrayList<>();
    brokers.values().forEach(b -> all.add(b.bootstrapServers()));
    return String.join(",", all);
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return Admin.create(props);
  }

  private Consumer<byte[], byte[]> consumer() {
    return new Consumer<>(
        ConsumerConfig.builder()
            .bootstrapServers(bootstrap())
            .groupId(GROUP)
            .autoOffsetReset("earliest")
            .enableAutoCommit(false)
            .maxPollRecords(30)
            .sessionTimeoutMs(10_000)
            .heartbeatIntervalMs(500)
            .build());
  }

  private static String value(int partition, long offset) {
    return "p" + partition + "-" + offset;
  }

  @Test
  void aSluiceConsumerResumesAtTheCommittedOffsetsAfterTheCoordinatorsBrokerStops()
      throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
    }
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(bootstrap()).build())) {
      List<CompletableFuture<?>> sent = new ArrayList<>();
      for (int i = 0; i < PER_PARTITION; i++) {
        for (int p = 0; p < PARTITIONS; p++) {
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      TOPIC, p, null, value(p, i).getBytes(StandardCharsets.UTF_8))));
        }
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new)).get();
    }

    Map<TopicPartition, Long> committed = new HashMap<>();
    try (Consumer<byte[], byte[]> first = consumer()) {
      first.subscribe(List.of(TOPIC));
      int read = 0;
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (read < PARTITIONS * PER_PARTITION / 2 && System.nanoTime() < deadline) {
        read += first.poll(Duration.ofMillis(200)).count();
      }
      assertTrue(read >= PARTITIONS * PER_PARTITION / 2, "read " + read);
      first.commitSync();
      first
          .committed(Set.copyOf(first.assignment()))
          .forEach(
              (tp, offset) -> {
                if (offset != null && offset >= 0) {
                  committed.put(tp, offset);
                }
              });
    }
    assertTrue(
        committed.values().stream().mapToLong(Long::longValue).sum()
            >= PARTITIONS * PER_PARTITION / 2,
        "committed " + committed);

    int coordinator;
    try (Admin admin = admin()) {
      coordinator =
          admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).coordinator().id();
    }
    brokers.remove(coordinator).close();

    // Resume: the first record of each partition is at its committed offset, then no gap and
    // nothing twice, up to the end.
    Map<TopicPartition, Long> next = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    for (int p = 0; p < PARTITIONS; p++) {
      TopicPartition tp = new TopicPartition(TOPIC, p);
      next.put(tp, committed.getOrDefault(tp, 0L));
    }
    try (Consumer<byte[], byte[]> second = consumer()) {
      second.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (next.values().stream().anyMatch(o -> o < PER_PARTITION)
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : second.poll(Duration.ofMillis(200))) {
          TopicPartition tp = r.topicPartition();
          assertEquals(next.get(tp), r.offset(), "resumed at the committed offset of " + tp);
          assertEquals(
              value(r.partition(), r.offset()), new String(r.value(), StandardCharsets.UTF_8));
          next.put(tp, r.offset() + 1);
        }
      }
      second.commitSync();
      Map<TopicPartition, Long> ends =
          new TreeMap<>(Comparator.comparing(TopicPartition::toString));
      for (int p = 0; p < PARTITIONS; p++) {
        ends.put(new TopicPartition(TOPIC, p), (long) PER_PARTITION);
      }
      assertEquals(ends, next, "read to every partition's end");
      Map<TopicPartition, Long> after =
          new TreeMap<>(Comparator.comparing(TopicPartition::toString));
      after.putAll(second.committed(Set.copyOf(ends.keySet())));
      assertEquals(ends, after, "committed at the ends on the new coordinator");
    }
  }
}
