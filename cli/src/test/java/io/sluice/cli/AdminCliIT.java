package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Admin;
import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.GroupAdmin;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sluice topics create --config|alter|describe|delete-records} and {@code sluice groups
 * delete|delete-offsets} against Sluice's broker over sockets.
 */
@Timeout(120)
class AdminCliIT {
  private TestBroker broker;

  @BeforeEach
  void start() {
    broker = TestBroker.start();
  }

  @AfterEach
  void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private CliRunner.Run sluice(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap-server";
    all[args.length + 1] = broker.bootstrap();
    return CliRunner.run(all);
  }

  private void produce(String topic, int count) {
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
      for (int i = 0; i < count; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, 0, null, null, ("v" + i).getBytes(StandardCharsets.UTF_8), List.of()));
      }
      producer.flush();
    }
  }

  @Test
  void topics_createWithConfig_alter_describe_deleteRecords() {
    CliRunner.Run create =
        sluice(
            "topics",
            "create",
            "conf",
            "--partitions",
            "2",
            "--config",
            "retention.ms=3600000",
            "--config",
            "cleanup.policy=compact,delete");
    assertEquals(0, create.exitCode(), create.err());

    CliRunner.Run describe = sluice("topics", "describe", "conf");
    assertEquals(0, describe.exitCode(), describe.err());
    assertTrue(describe.out().contains("  config cleanup.policy=compact,delete\n"), describe.out());
    assertTrue(describe.out().contains("  config retention.ms=3600000\n"), describe.out());

    CliRunner.Run alter =
        sluice(
            "topics",
            "alter",
            "conf",
            "--config",
            "max.message.bytes=2048",
            "--delete-config",
            "retention.ms",
            "--partitions",
            "3");
    assertEquals(0, alter.exitCode(), alter.err());
    assertTrue(alter.out().contains("topic conf now has 3 partition(s)"), alter.out());
    try (Admin admin = new Admin(broker.bootstrap(), Duration.ofSeconds(10))) {
      assertEquals(3, admin.partitionCount("conf"));
      Map<String, String> overrides = new java.util.TreeMap<>();
      admin.describeTopicConfig("conf").stream()
          .filter(e -> e.isOverride())
          .forEach(e -> overrides.put(e.name(), e.value()));
      assertEquals(
          Map.of("cleanup.policy", "compact,delete", "max.message.bytes", "2048"), overrides);
    }

    CliRunner.Run all = sluice("topics", "describe", "conf", "--all-configs");
    assertTrue(all.out().contains("  config retention.ms=604800000  (DEFAULT_CONFIG)"), all.out());

    CliRunner.Run bad = sluice("topics", "alter", "conf", "--config", "retention.ms=soon");
    assertEquals(ExitCode.FAILED, bad.exitCode(), bad.out());
    assertTrue(bad.err().contains("Invalid value soon for configuration retention.ms"), bad.err());

    CliRunner.Run shrink = sluice("topics", "alter", "conf", "--partitions", "1");
    assertTrue(shrink.exitCode() != 0);
    assertTrue(shrink.err().contains("INVALID_PARTITIONS"), shrink.err());

    produce("conf", 10);
    CliRunner.Run trim =
        sluice("topics", "delete-records", "conf", "--partition", "0", "--offset", "4");
    assertEquals(0, trim.exitCode(), trim.err());
    assertEquals("partition 0  log start offset now 4\n", trim.out());
    try (Admin admin = new Admin(broker.bootstrap(), Duration.ofSeconds(10))) {
      assertEquals(4, admin.describeTopic("conf").partitions().get(0).earliestOffset());
    }
    CliRunner.Run everything = sluice("topics", "delete-records", "conf", "--offset", "-1");
    assertEquals(
        "partition 0  log start offset now 10\n"
            + "partition 1  log start offset now 0\n"
            + "partition 2  log start offset now 0\n",
        everything.out());
  }

  @Test
  void groups_deleteOffsets_thenDelete() {
    broker.createTopic("clicks", 1);
    broker.createTopic("views", 1);
    produce("clicks", 3);
    try (GroupAdmin admin = new GroupAdmin(broker.bootstrap(), Duration.ofSeconds(10))) {
      admin.commitOffsets(
          "readers",
          Map.of(new TopicPartition("clicks", 0), 2L, new TopicPartition("views", 0), 0L));
      try (Consumer<byte[], byte[]> member =
          new Consumer<>(
              ConsumerConfig.builder()
                  .bootstrapServers(broker.bootstrap())
                  .groupId("readers")
                  .autoOffsetReset("earliest")
                  .enableAutoCommit(false)
                  .fetchMaxWaitMs(50)
                  .build())) {
        member.subscribe(List.of("clicks"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
          member.poll(Duration.ofMillis(100));
        }
        assertEquals(1, member.assignment().size());

        CliRunner.Run busy = sluice("groups", "delete", "readers");
        assertTrue(busy.exitCode() != 0);
        assertTrue(busy.err().contains("NON_EMPTY_GROUP"), busy.err());
        CliRunner.Run inUse = sluice("groups", "delete-offsets", "readers", "--topic", "clicks");
        assertTrue(inUse.err().contains("GROUP_SUBSCRIBED_TO_TOPIC"), inUse.err());
        CliRunner.Run views = sluice("groups", "delete-offsets", "readers", "--topic", "views");
        assertEquals(0, views.exitCode(), views.err());
        assertEquals(
            "deleted the offsets of group readers for 1 partition(s) of views\n", views.out());
      }
      assertEquals(Map.of(new TopicPartition("clicks", 0), 2L), admin.committedOffsets("readers"));
      CliRunner.Run delete = sluice("groups", "delete", "readers");
      assertEquals(0, delete.exitCode(), delete.err());
      assertEquals("deleted group readers\n", delete.out());
      assertEquals(Map.of(), admin.committedOffsets("readers"));
      CliRunner.Run again = sluice("groups", "delete", "readers");
      assertTrue(again.err().contains("GROUP_ID_NOT_FOUND"), again.err());
    }
  }
}
