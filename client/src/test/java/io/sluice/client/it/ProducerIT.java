package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import io.sluice.client.SluiceClientException;
import io.sluice.client.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The producer against a broker made of kafka-clients' own parsers: batching, offsets, the default
 * partitioner, retries without duplicates, bounded memory and indeterminate timeouts.
 */
@Timeout(60)
class ProducerIT {
  private TestBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  private ProducerConfig.Builder config() {
    return ProducerConfig.builder().bootstrapServers(broker.bootstrap()).lingerMs(2);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void send_thousandRecordsToThreePartitions_denseOffsetsAndStoredBytesMatch() throws Exception {
    broker.createTopic("orders", 3);
    Map<Integer, List<RecordMetadata>> byPartition = new HashMap<>();
    try (Producer<byte[], byte[]> producer = new Producer<>(config().batchSize(4096).build())) {
      List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        futures.add(producer.send(new ProducerRecord<>("orders", utf8("k" + i), utf8("v" + i))));
      }
      producer.flush();
      for (CompletableFuture<RecordMetadata> f : futures) {
        RecordMetadata m = f.get();
        byPartition.computeIfAbsent(m.topicPartition().partition(), p -> new ArrayList<>()).add(m);
      }
    }
    int total = 0;
    for (int p = 0; p < 3; p++) {
      List<RecordMetadata> acked = byPartition.getOrDefault(p, List.of());
      Set<Long> offsets = new HashSet<>();
      acked.forEach(m -> offsets.add(m.offset()));
      assertEquals(acked.size(), offsets.size(), "no offset acknowledged twice in partition " + p);
      for (long o = 0; o < acked.size(); o++) {
        assertTrue(offsets.contains(o), "offset " + o + " of partition " + p);
      }
      assertEquals(acked.size(), broker.endOffset("orders", p));
      total += acked.size();
    }
    assertEquals(1000, total);
  }

  @Test
  void send_keyedRecords_landWhereKafkasDefaultPartitionerPutsThem() throws Exception {
    broker.createTopic("keyed", 7);
    try (Producer<byte[], byte[]> producer = new Producer<>(config().build())) {
      for (int i = 0; i < 200; i++) {
        byte[] key = utf8("customer-" + i);
        RecordMetadata m = producer.send(new ProducerRecord<>("keyed", key, utf8("x"))).get();
        assertEquals(
            BuiltInPartitioner.partitionForKey(key, 7), m.topicPartition().partition(), "key " + i);
      }
    }
  }

  @Test
  void send_brokerUnreachable_failsWithNetworkErrorNamingTheAddress() throws Exception {
    String address = broker.bootstrap();
    broker.close();
    try (Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder().bootstrapServers(address).maxBlockMs(3_000).build())) {
      CompletableFuture<RecordMetadata> f =
          producer.send(new ProducerRecord<>("t", null, utf8("x")));
      SluiceClientException e = (SluiceClientException) unwrap(f);
      assertTrue(e.retriable());
      assertTrue(e.getMessage().contains(address), e.getMessage());
    }
  }

  @Test
  void close_withLingeringBatches_sendsEverythingFirst() throws Exception {
    broker.createTopic("linger", 2);
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    try (Producer<byte[], byte[]> producer = new Producer<>(config().lingerMs(60_000).build())) {
      for (int i = 0; i < 300; i++) {
        futures.add(producer.send(new ProducerRecord<>("linger", null, utf8("l" + i))));
      }
    }
    for (CompletableFuture<RecordMetadata> f : futures) {
      assertTrue(f.isDone() && !f.isCompletedExceptionally());
    }
    assertEquals(300, broker.endOffset("linger", 0) + broker.endOffset("linger", 1));
  }

  @Test
  void send_acksZero_completesWithoutOffsetAndDataArrives() throws Exception {
    broker.createTopic("fire", 1);
    try (Producer<byte[], byte[]> producer =
        new Producer<>(config().acks(0).enableIdempotence(false).build())) {
      RecordMetadata m = producer.send(new ProducerRecord<>("fire", null, utf8("f"))).get();
      assertEquals(-1, m.offset());
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (broker.endOffset("fire", 0) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, broker.endOffset("fire", 0));
  }

  static Throwable unwrap(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
