package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ExpectedLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.junit.jupiter.api.Test;

/**
 * kafka-clients' AdminClient against Sluice for CreatePartitions, DeleteRecords, DescribeLogDirs,
 * DescribeProducers, ListOffsets' newer specs, DeleteGroups and OffsetDelete.
 */
class AdminApisIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static void produce(String bootstrap, String topic, int partition, int count, int size)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrap))) {
      for (int i = 0; i < count; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    topic, partition, 1_000L + i, ("k" + i).getBytes(), new byte[size]))
            .get();
      }
    }
  }

  @Test
  void createPartitions_growsTopic_refusesShrink() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic("grow", 2, (short) 1).configs(Map.of("retention.ms", "7777"))))
          .all()
          .get();
      admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(5))).all().get();
      assertEquals(
          5,
          admin
              .describeTopics(List.of("grow"))
              .allTopicNames()
              .get()
              .get("grow")
              .partitions()
              .size());
      assertEquals(
          "retention.ms=7777\n",
          Files.readString(broker.dataDir().resolve("grow-4").resolve("topic.config")));
      produce(broker.bootstrapServers(), "grow", 4, 1, 10);

      ExecutionException shrink =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all().get());
      assertInstanceOf(InvalidPartitionsException.class, shrink.getCause());
      assertEquals(
          "Topic currently has 5 partitions, which is higher than the requested 3.",
          shrink.getCause().getMessage());
    }
  }

  @Test
  void deleteRecords_movesLogStartDurably_deletesSegments_fetchBelowOutOfRange() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      TopicPartition tp = new TopicPartition("trim", 0);
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("trim", 1, (short) 1).configs(Map.of("segment.bytes", "2048"))))
            .all()
            .get();
        produce(broker.bootstrapServers(), "trim", 0, 20, 500);
        long segmentsBefore = segmentFiles(broker.dataDir().resolve("trim-0"));
        assertTrue(segmentsBefore >= 5, "segments: " + segmentsBefore);

        long low =
            admin
                .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(13)))
                .lowWatermarks()
                .get(tp)
                .get()
                .lowWatermark();
        assertEquals(13, low);
        assertTrue(segmentFiles(broker.dataDir().resolve("trim-0")) < segmentsBefore);
        assertEquals(
            13,
            admin
                .listOffsets(Map.of(tp, OffsetSpec.earliest()))
                .partitionResult(tp)
                .get()
                .offset());

        // kafka-clients logs the refusal below at ERROR before it fails the future.
        ExpectedLogs.expect("ERROR", "org.apache.kafka.clients.admin", "OFFSET_OUT_OF_RANGE")
            .optional();
        ExecutionException beyond =
            assertThrows(
                ExecutionException.class,
                () ->
                    admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(21))).all().get());
        assertInstanceOf(
            org.apache.kafka.common.errors.OffsetOutOfRangeException.class, beyond.getCause());
      }

      broker.restart();
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        assertEquals(
            13,
            admin
                .listOffsets(Map.of(tp, OffsetSpec.earliest()))
                .partitionResult(tp)
                .get()
                .offset());
      }
      Properties props = KafkaClients.consumer(broker.bootstrapServers());
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, 2);
        OffsetOutOfRangeException below =
            assertThrows(
                OffsetOutOfRangeException.class,
                () -> {
                  long deadline = System.nanoTime() + DEADLINE.toNanos();
                  while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                  }
                });
        assertEquals(Map.of(tp, 2L), below.offsetOutOfRangePartitions());
        consumer.seek(tp, 13);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long first = -1;
        while (first < 0 && System.nanoTime() < deadline) {
          for (var record : consumer.poll(Duration.ofMillis(200))) {
            if (first < 0) {
              first = record.offset();
            }
          }
        }
        assertEquals(13, first);
      }
    }
  }

  @Test
  void listOffsets_maxTimestamp_tieredSpecsAsWithoutTieredStorage() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      TopicPartition tp = new TopicPartition("times", 0);
      admin.createTopics(List.of(new NewTopic("times", 1, (short) 1))).all().get();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(broker.bootstrapServers()))) {
        long now = System.currentTimeMillis();
        producer.send(new ProducerRecord<>("times", 0, now - 3000, null, new byte[1])).get();
        producer.send(new ProducerRecord<>("times", 0, now - 1000, null, new byte[1])).get();
        producer.send(new ProducerRecord<>("times", 0, now - 2000, null, new byte[1])).get();
        ListOffsetsResult.ListOffsetsResultInfo max =
            admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).partitionResult(tp).get();
        assertEquals(1, max.offset());
        assertEquals(now - 1000, max.timestamp());
      }
      assertEquals(
          0,
          admin
              .listOffsets(Map.of(tp, OffsetSpec.earliestLocal()))
              .partitionResult(tp)
              .get()
              .offset());
      assertEquals(
          -1,
          admin
              .listOffsets(Map.of(tp, OffsetSpec.latestTiered()))
              .partitionResult(tp)
              .get()
              .offset());
    }
  }

  @Test
  void describeLogDirsAndProducers_reportPartitionsAndIdempotentProducer() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("dirs", 2, (short) 1))).all().get();
      produce(broker.bootstrapServers(), "dirs", 1, 3, 100);

      Map<String, LogDirDescription> dirs =
          admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0);
      assertEquals(1, dirs.size());
      LogDirDescription dir = dirs.values().iterator().next();
      assertEquals(
          Files.size(broker.dataDir().resolve("dirs-1").resolve("00000000000000000000.log")),
          dir.replicaInfos().get(new TopicPartition("dirs", 1)).size());
      assertEquals(0, dir.replicaInfos().get(new TopicPartition("dirs", 0)).size());
      assertTrue(dir.totalBytes().orElseThrow() > 0);

      DescribeProducersResult producers =
          admin.describeProducers(List.of(new TopicPartition("dirs", 1)));
      var states = producers.partitionResult(new TopicPartition("dirs", 1)).get().activeProducers();
      assertEquals(1, states.size());
      assertEquals(2, states.get(0).lastSequence());
      assertEquals(1_002L, states.get(0).lastTimestamp());
      assertFalse(states.get(0).currentTransactionStartOffset().isPresent());
    }
  }

  @Test
  void deleteGroupsAndOffsets_asKafka() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start();
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic("used", 1, (short) 1), new NewTopic("other", 1, (short) 1)))
          .all()
          .get();
      produce(broker.bootstrapServers(), "used", 0, 2, 10);
      Properties props = KafkaClients.consumer(broker.bootstrapServers());
      props.put(ConsumerConfig.GROUP_ID_CONFIG, "g1");
      TopicPartition used = new TopicPartition("used", 0);
      TopicPartition other = new TopicPartition("other", 0);
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        consumer.subscribe(List.of("used"));
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int seen = 0;
        while (seen < 2 && System.nanoTime() < deadline) {
          seen += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertEquals(2, seen);
        consumer.commitSync(
            Map.of(used, new OffsetAndMetadata(2), other, new OffsetAndMetadata(0)));

        ExecutionException notEmpty =
            assertThrows(
                ExecutionException.class,
                () -> admin.deleteConsumerGroups(List.of("g1")).all().get());
        assertInstanceOf(GroupNotEmptyException.class, notEmpty.getCause());

        ExecutionException subscribed =
            assertThrows(
                ExecutionException.class,
                () -> admin.deleteConsumerGroupOffsets("g1", Set.of(used)).all().get());
        assertInstanceOf(GroupSubscribedToTopicException.class, subscribed.getCause());

        admin.deleteConsumerGroupOffsets("g1", Set.of(other)).all().get();
        assertEquals(
            Set.of(used),
            admin.listConsumerGroupOffsets("g1").partitionsToOffsetAndMetadata().get().keySet());
      }
      admin.deleteConsumerGroups(List.of("g1")).all().get();
      assertTrue(
          admin.listConsumerGroupOffsets("g1").partitionsToOffsetAndMetadata().get().isEmpty());
      assertFalse(admin.listGroups().all().get().stream().anyMatch(g -> g.groupId().equals("g1")));
      ExecutionException gone =
          assertThrows(
              ExecutionException.class,
              () -> admin.deleteConsumerGroups(List.of("g1")).all().get());
      assertInstanceOf(GroupIdNotFoundException.class, gone.getCause());
    }
  }

  private static long segmentFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }
}
