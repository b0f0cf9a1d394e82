package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Header;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.KafkaFakeBroker;
import io.sluice.client.testing.TestBroker;
import io.sluice.protocol.Errors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The consumer: positions, seeks, resets, commits, CRC checks, against the fake broker. */
@Timeout(60)
class ConsumerIT {
  private TestBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  private ConsumerConfig.Builder config() {
    return ConsumerConfig.builder().bootstrapServers(broker.bootstrap()).fetchMaxWaitMs(50);
  }

  private void produce(String topic, int partition, int from, int count) throws Exception {
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
      for (int i = from; i < from + count; i++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                partition,
                1_000_000L + i,
                ("k" + i).getBytes(StandardCharsets.UTF_8),
                ("v" + i).getBytes(StandardCharsets.UTF_8),
                List.of(Header.of("n", Integer.toString(i)), new Header("null", null))));
      }
      producer.flush();
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> pollUntil(
      Consumer<byte[], byte[]> consumer, int count) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 10_000;
    while (all.size() < count && System.currentTimeMillis() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(all::add);
    }
    return all;
  }

  @Test
  void poll_fromBeginning_everyRecordInOrderWithKeysTimestampsAndHeaders() throws Exception {
    broker.createTopic("events", 1);
    produce("events", 0, 0, 1200);
    TopicPartition tp = new TopicPartition("events", 0);
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config().maxPollRecords(100).build())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> records = pollUntil(consumer, 1200);
      assertEquals(1200, records.size());
      for (int i = 0; i < 1200; i++) {
        ConsumerRecord<byte[], byte[]> r = records.get(i);
        assertEquals(i, r.offset());
        assertEquals(1_000_000L + i, r.timestamp());
        assertArrayEquals(("k" + i).getBytes(StandardCharsets.UTF_8), r.key());
        assertArrayEquals(("v" + i).getBytes(StandardCharsets.UTF_8), r.value());
        assertEquals(
            List.of(Header.of("n", Integer.toString(i)), new Header("null", null)), r.headers());
      }
      assertEquals(1200, consumer.position(tp));
    }
  }

  @Test
  void seek_toOffset_readsFromThere() throws Exception {
    broker.createTopic("seek", 1);
    produce("seek", 0, 0, 50);
    TopicPartition tp = new TopicPartition("seek", 0);
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config().build())) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, 42);
      List<ConsumerRecord<byte[], byte[]>> records = pollUntil(consumer, 8);
      assertEquals(8, records.size());
      assertEquals(42, records.get(0).offset());
      assertEquals(49, records.get(7).offset());
    }
  }

  @Test
  void poll_smallFetchesAndPolls_positionExactAfterEveryPollAndSeekBackReplays() throws Exception {
    broker.createTopic("steps", 1);
    produce("steps", 0, 0, 1000);
    TopicPartition tp = new TopicPartition("steps", 0);
    // About 2,000 bytes per fetch: many fetches, each used up over several polls of 7 records,
    // with the next one prefetched meanwhile.
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(config().maxPartitionFetchBytes(2000).maxPollRecords(7).build())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long expected = 0;
      while (expected < 400) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          assertEquals(expected++, r.offset());
        }
        assertEquals(expected, consumer.position(tp));
      }
      consumer.seek(tp, 10);
      assertEquals(10, consumer.position(tp));
      List<ConsumerRecord<byte[], byte[]>> replay = pollUntil(consumer, 990);
      assertEquals(990, replay.size());
      for (int i = 0; i < replay.size(); i++) {
        assertEquals(10 + i, replay.get(i).offset());
      }
      assertEquals(1000, consumer.position(tp));
    }
  }

  @Test
  void seekToEnd_thenProduce_onlyNewRecords() throws Exception {
    broker.createTopic("tail", 1);
    produce("tail", 0, 0, 20);
    TopicPartition tp = new TopicPartition("tail", 0);
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config().build())) {
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      assertEquals(20, consumer.position(tp));
      assertTrue(consumer.poll(Duration.ofMillis(200)).isEmpty());
      produce("tail", 0, 20, 5);
      List<ConsumerRecord<byte[], byte[]>> records = pollUntil(consumer, 5);
      assertEquals(
          List.of(20L, 21L, 22L, 23L, 24L), records.stream().map(ConsumerRecord::offset).toList());
    }
  }

  @Test
  void commitSync_newConsumerInSameGroup_resumesFromCommittedOffset() throws Exception {
    broker.createTopic("resume", 2);
    produce("resume", 0, 0, 30);
    produce("resume", 1, 0, 30);
    List<TopicPartition> both =
        List.of(new TopicPartition("resume", 0), new TopicPartition("resume", 1));
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(
            config().groupId("g1").autoOffsetReset("earliest").maxPollRecords(10).build())) {
      consumer.assign(both);
      assertEquals(Map.of(), consumer.committed(Set.copyOf(both)));
      consumer.seek(both.get(0), 10);
      consumer.seek(both.get(1), 25);
      consumer.commitSync();
      assertEquals(
          Map.of(both.get(0), 10L, both.get(1), 25L), consumer.committed(Set.copyOf(both)));
    }
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(config().groupId("g1").autoOffsetReset("earliest").build())) {
      consumer.assign(both);
      List<ConsumerRecord<byte[], byte[]>> records = pollUntil(consumer, 25);
      assertEquals(25, records.size());
      assertEquals(
          10, records.stream().filter(r -> r.partition() == 0).findFirst().orElseThrow().offset());
      assertEquals(
          25, records.stream().filter(r -> r.partition() == 1).findFirst().orElseThrow().offset());
      consumer.commitAsync().get();
    }
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config().groupId("g1").build())) {
      assertEquals(
          Map.of(both.get(0), 30L, both.get(1), 30L), consumer.committed(Set.copyOf(both)));
    }
  }

  @Test
  void poll_autoOffsetResetLatestWithoutCommit_startsAtEnd() throws Exception {
    broker.createTopic("latest", 1);
    produce("latest", 0, 0, 10);
    TopicPartition tp = new TopicPartition("latest", 0);
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config().groupId("fresh").build())) {
      consumer.assign(List.of(tp));
      assertEquals(10, consumer.position(tp));
    }
  }

  @Test
  void poll_corruptBatch_failsNamingPartitionAndOffset() throws Exception {
    TopicPartition tp = new TopicPartition("bad", 0);
    try (KafkaFakeBroker fake = new KafkaFakeBroker()) {
      fake.createTopic("bad", 1);
      try (Producer<byte[], byte[]> producer =
          new Producer<>(ProducerConfig.builder().bootstrapServers(fake.bootstrap()).build())) {
        producer.send(new ProducerRecord<>("bad", null, new byte[] {1, 2, 3})).get();
      }
      fake.corrupt("bad", 0, 0);
      assertCorruptionReported(fake, tp);
    }
  }

  private static void assertCorruptionReported(KafkaFakeBroker fake, TopicPartition tp) {
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(
            ConsumerConfig.builder()
                .bootstrapServers(fake.bootstrap())
                .fetchMaxWaitMs(50)
                .build())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      SluiceClientException e =
          assertThrows(
              SluiceClientException.class,
              () -> {
                for (int i = 0; i < 50; i++) {
                  consumer.poll(Duration.ofMillis(100));
                }
              });
      assertEquals(Errors.CORRUPT_MESSAGE, e.error());
      assertEquals(tp, e.topicPartition());
      assertTrue(e.getMessage().contains("bad-0 at offset 0"), e.getMessage());
      assertEquals(0, consumer.position(tp), "the position stays at the corrupt batch");
    }
  }

  @Test
  void partitionsFor_unknownTopic_failsNamingIt() {
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config().build())) {
      SluiceClientException e =
          assertThrows(SluiceClientException.class, () -> consumer.partitionsFor("nope"));
      assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, e.error());
      assertTrue(e.getMessage().contains("'nope' does not exist"), e.getMessage());
      assertNull(e.topicPartition());
    }
  }
}
