package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code sluice groups list|describe|reset-offsets} against Sluice's broker over sockets. */
@Timeout(120)
class GroupsCliIT {
  private static final long T0 = 1_700_000_000_000L;

  private TestBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
    broker.createTopic("clicks", 2);
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
      for (int i = 0; i < 20; i++) {
        // Partition i % 2, timestamps one second apart: offset n of a partition is at T0 + 2n s.
        // One batch per record, so that a lookup by time is exact at the record, whether the
        // broker resolves it to the record or (coarser) to the batch.
        producer.send(
            new ProducerRecord<>(
                "clicks",
                i % 2,
                T0 + i * 1000L,
                null,
                ("v" + i).getBytes(StandardCharsets.UTF_8),
                List.of()));
        producer.flush();
      }
    }
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

  private Consumer<byte[], byte[]> member() {
    return new Consumer<>(
        ConsumerConfig.builder()
            .bootstrapServers(broker.bootstrap())
            .clientId("cli-test")
            .groupId("readers")
            .autoOffsetReset("earliest")
            .enableAutoCommit(false)
            .fetchMaxWaitMs(50)
            .build());
  }

  @Test
  void describe_activeMember_showsPartitionsCommittedLogEndAndLag() {
    try (Consumer<byte[], byte[]> consumer = member()) {
      consumer.subscribe(List.of("clicks"));
      int read = 0;
      long deadline = System.currentTimeMillis() + 20_000;
      while (read < 20 && System.currentTimeMillis() < deadline) {
        read += consumer.poll(Duration.ofMillis(100)).count();
      }
      assertEquals(20, read);
      consumer.commitSync(Map.of(new TopicPartition("clicks", 0), 7L));

      CliRunner.Run list = sluice("groups", "list");
      assertEquals(0, list.exitCode(), list.err());
      assertEquals("readers\tStable\tconsumer\n", list.out());

      CliRunner.Run describe = sluice("groups", "describe", "readers");
      assertEquals(0, describe.exitCode(), describe.err());
      String out = describe.out();
      assertTrue(out.startsWith("group readers: state Stable, protocol range, 1 member(s)"), out);
      assertTrue(out.contains("\tcli-test\t"), out);
      assertTrue(out.contains("[clicks-0, clicks-1]"), out);
      assertTrue(out.contains("clicks\t0\t7\t10\t3\t"), out);
      assertTrue(out.contains("clicks\t1\t-\t10\t-\t"), out);

      CliRunner.Run refused = sluice("groups", "reset-offsets", "readers", "--to-earliest");
      assertEquals(ExitCode.FAILED, refused.exitCode());
      assertTrue(refused.err().contains("1 active member(s)"), refused.err());
    }
  }

  @Test
  void resetOffsets_emptyGroup_setsEachTargetAndDescribeShowsIt() {
    try (GroupAdmin admin = new GroupAdmin(broker.bootstrap(), Duration.ofSeconds(10))) {
      admin.commitOffsets("idle", Map.of(new TopicPartition("clicks", 0), 5L));

      CliRunner.Run earliest = sluice("groups", "reset-offsets", "idle", "--to-earliest");
      assertEquals(0, earliest.exitCode(), earliest.err());
      assertEquals("clicks\t0\t0\n", earliest.out());
      assertEquals(Map.of(new TopicPartition("clicks", 0), 0L), admin.committedOffsets("idle"));

      CliRunner.Run latest =
          sluice("groups", "reset-offsets", "idle", "--topic", "clicks", "--to-latest");
      assertEquals("clicks\t0\t10\nclicks\t1\t10\n", latest.out());
      assertEquals(
          Map.of(new TopicPartition("clicks", 0), 10L, new TopicPartition("clicks", 1), 10L),
          admin.committedOffsets("idle"));

      CliRunner.Run offset = sluice("groups", "reset-offsets", "idle", "--to-offset", "4");
      assertEquals("clicks\t0\t4\nclicks\t1\t4\n", offset.out());
      CliRunner.Run beyond = sluice("groups", "reset-offsets", "idle", "--to-offset", "99");
      assertEquals("clicks\t0\t10\nclicks\t1\t10\n", beyond.out());

      // Record i is at T0 + i s in partition i % 2, at offset i / 2: T0 + 5 s is offset 3 of
      // partition 0 (record 6 at T0 + 6 s) and offset 2 of partition 1 (record 5).
      CliRunner.Run time =
          sluice("groups", "reset-offsets", "idle", "--to-datetime", "2023-11-14T22:13:25Z");
      assertEquals(0, time.exitCode(), time.err());
      assertEquals("clicks\t0\t3\nclicks\t1\t2\n", time.out());
      CliRunner.Run future =
          sluice("groups", "reset-offsets", "idle", "--to-datetime", "2100-01-01T00:00:00");
      assertEquals("clicks\t0\t10\nclicks\t1\t10\n", future.out());

      CliRunner.Run dry = sluice("groups", "reset-offsets", "idle", "--to-earliest", "--dry-run");
      assertEquals("clicks\t0\t0\t(dry run)\nclicks\t1\t0\t(dry run)\n", dry.out());
      assertEquals(
          Map.of(new TopicPartition("clicks", 0), 10L, new TopicPartition("clicks", 1), 10L),
          admin.committedOffsets("idle"));

      // Kafka calls a group that only has offsets Empty; a broker may also call it Dead (not
      // found, in DescribeGroups v6+). Either way: no members, and the offsets are shown.
      CliRunner.Run describe = sluice("groups", "describe", "idle");
      assertTrue(
          describe
              .out()
              .matches("(?s)group idle: state (Empty|Dead), protocol -, 0 member\\(s\\).*"),
          describe.out());
      assertTrue(describe.out().contains("clicks\t0\t10\t10\t0\t-"), describe.out());
    }
  }

  @Test
  void resetOffsets_noTarget_isAUsageError() {
    CliRunner.Run run = sluice("groups", "reset-offsets", "idle");
    assertEquals(ExitCode.USAGE, run.exitCode());
  }
}
