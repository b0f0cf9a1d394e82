package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.IndeterminateException;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import io.sluice.client.SluiceClientException;
import io.sluice.client.testing.ChaosProxy;
import io.sluice.client.testing.KafkaFakeBroker;
import io.sluice.client.testing.TestBroker;
import io.sluice.protocol.Errors;
import io.sluice.testing.ExpectedLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults injected on the wire by a {@link ChaosProxy} (the broker advertises the proxy): a lost
 * produce answer and a broker that stops answering.
 */
@Timeout(60)
class ProducerFaultIT {
  private TestBroker broker;
  private ChaosProxy proxy;
  private KafkaFakeBroker fake;

  @BeforeEach
  void start() throws Exception {
    proxy = new ChaosProxy();
    broker =
        TestBroker.start(Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port()));
    proxy.upstream("127.0.0.1", broker.port());
    fake = new KafkaFakeBroker();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    broker.close();
    fake.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void send_connectionCutBeforeTheAnswer_retriedAndWrittenOnce() throws Exception {
    broker.createTopic("cut", 1);
    try (Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(proxy.bootstrap())
                .lingerMs(20)
                .retryBackoffMs(50)
                .build())) {
      producer
          .send(new ProducerRecord<>("cut", null, "warm-up".getBytes(StandardCharsets.UTF_8)))
          .get();
      proxy.loseNextProduceResponse();
      List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(
            producer.send(
                new ProducerRecord<>("cut", null, ("r" + i).getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
      for (int i = 0; i < 20; i++) {
        assertEquals(1 + i, futures.get(i).get().offset(), "record " + i);
      }
    }
    assertEquals(21, broker.endOffset("cut", 0), "the batch whose answer was lost is stored once");
  }

  @Test
  void send_brokerStopsAnswering_memoryBoundedThenSendFails() throws Exception {
    broker.createTopic("hole", 1);
    long bufferMemory = 32 * 1024;
    int accepted = 0;
    SluiceClientException failure = null;
    Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(proxy.bootstrap())
                .bufferMemory(bufferMemory)
                .batchSize(4096)
                .maxBlockMs(300)
                .requestTimeoutMs(5_000)
                .build());
    try {
      producer.send(new ProducerRecord<>("hole", null, new byte[10])).get();
      proxy.blackhole(true);
      for (int i = 0; i < 500 && failure == null; i++) {
        CompletableFuture<RecordMetadata> f =
            producer.send(new ProducerRecord<>("hole", null, new byte[500]));
        if (f.isCompletedExceptionally()) {
          failure = (SluiceClientException) ProducerIT.unwrap(f);
        } else {
          accepted++;
        }
      }
    } finally {
      // The broker never answers, so close gives up on the queued records, and says so.
      ExpectedLogs.expect("WARN", "io.sluice.client.internal.ProducerEngine", "close timed out")
          .optional();
      producer.close(Duration.ofMillis(100));
    }
    assertTrue(failure != null, "send failed once buffer.memory was spent");
    assertEquals(Errors.REQUEST_TIMED_OUT, failure.error());
    assertTrue(accepted * 500L <= bufferMemory, "accepted=" + accepted);
    assertTrue(accepted >= 50, "accepted=" + accepted + " filled most of the budget");
  }

  @Test
  void flush_everyProduceConnectionCut_failsEverythingByDeliveryTimeout() throws Exception {
    broker.createTopic("reset", 2);
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    try (Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(proxy.bootstrap())
                .lingerMs(0)
                .batchSize(1024)
                .requestTimeoutMs(500)
                .deliveryTimeoutMs(2000)
                .retryBackoffMs(20)
                .build())) {
      producer.partitionCount("reset");
      proxy.cutEveryProduce(true);
      for (int i = 0; i < 300; i++) {
        futures.add(producer.send(new ProducerRecord<>("reset", null, new byte[100])));
      }
      long start = System.nanoTime();
      producer.flush();
      assertTrue(System.nanoTime() - start < 10_000_000_000L, "flush ended by the deadline");
    }
    for (CompletableFuture<RecordMetadata> f : futures) {
      Throwable error = ProducerIT.unwrap(f);
      assertTrue(error instanceof SluiceClientException, String.valueOf(error));
    }
  }

  // Faults through the fake broker's hooks.

  @Test
  void send_producerIdRefused_failsAtOnceWithTheBrokersError() throws Exception {
    fake.createTopic("noid", 1);
    fake.refuseProducerIds(true);
    ExpectedLogs.expect(
        "WARN",
        "io.sluice.client.internal.Sender",
        "refused a producer id: CLUSTER_AUTHORIZATION_FAILED");
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(fake.bootstrap()).build())) {
      long start = System.nanoTime();
      CompletableFuture<RecordMetadata> f =
          producer.send(new ProducerRecord<>("noid", null, utf8("x")));
      SluiceClientException e = (SluiceClientException) ProducerIT.unwrap(f);
      assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED, e.error());
      assertTrue(e.getMessage().contains("producer id"), e.getMessage());
      assertTrue(System.nanoTime() - start < 10_000_000_000L, "long before delivery.timeout.ms");
    }
  }

  @Test
  void send_firstResponseLost_retriedAndWrittenExactlyOnce() throws Exception {
    fake.createTopic("retry", 1);
    fake.silenceProduces(1);
    try (Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(fake.bootstrap())
                .lingerMs(2)
                .requestTimeoutMs(300)
                .deliveryTimeoutMs(20_000)
                .build())) {
      List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        futures.add(producer.send(new ProducerRecord<>("retry", null, utf8("r" + i))));
      }
      producer.flush();
      for (int i = 0; i < 10; i++) {
        assertEquals(i, futures.get(i).get().offset());
      }
    }
    assertTrue(fake.produceRequests() >= 2, "the lost request was sent again");
    List<byte[]> stored = fake.values("retry", 0);
    assertEquals(10, stored.size(), "the retried batch is not duplicated");
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(utf8("r" + i), stored.get(i));
    }
  }

  @Test
  void send_brokerStalled_memoryStaysBoundedAndSendFailsAfterMaxBlock() throws Exception {
    fake.createTopic("slow", 1);
    fake.stall(true);
    long bufferMemory = 64 * 1024;
    byte[] value = new byte[1000];
    int accepted = 0;
    SluiceClientException blocked = null;
    Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(fake.bootstrap())
                .lingerMs(2)
                .bufferMemory(bufferMemory)
                .batchSize(8 * 1024)
                .maxBlockMs(300)
                .requestTimeoutMs(10_000)
                .build());
    try {
      for (int i = 0; i < 1000 && blocked == null; i++) {
        long start = System.nanoTime();
        CompletableFuture<RecordMetadata> f =
            producer.send(new ProducerRecord<>("slow", null, value));
        if (f.isCompletedExceptionally()) {
          blocked = (SluiceClientException) ProducerIT.unwrap(f);
          assertTrue(System.nanoTime() - start >= 250_000_000L, "send blocked for max.block.ms");
        } else {
          accepted++;
        }
      }
    } finally {
      ExpectedLogs.expect("WARN", "io.sluice.client.internal.ProducerEngine", "close timed out")
          .optional();
      producer.close(Duration.ofMillis(200));
    }
    assertTrue(blocked != null, "send failed once buffer.memory was spent");
    assertEquals(Errors.REQUEST_TIMED_OUT, blocked.error());
    assertTrue(blocked.getMessage().contains("buffer.memory"), blocked.getMessage());
    assertTrue(accepted <= bufferMemory / 1000, "accepted=" + accepted + " within the budget");
    assertTrue(accepted >= bufferMemory / 1100, "accepted=" + accepted + " filled the budget");
  }

  @Test
  void send_noAnswerUntilDeliveryTimeout_failsAsIndeterminate() throws Exception {
    fake.createTopic("gone", 1);
    fake.silenceProduces(1000);
    try (Producer<byte[], byte[]> producer =
        new Producer<>(
            ProducerConfig.builder()
                .bootstrapServers(fake.bootstrap())
                .lingerMs(2)
                .lingerMs(0)
                .requestTimeoutMs(300)
                .deliveryTimeoutMs(1500)
                .build())) {
      CompletableFuture<RecordMetadata> f =
          producer.send(new ProducerRecord<>("gone", null, utf8("maybe")));
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      IndeterminateException indeterminate =
          assertInstanceOf(IndeterminateException.class, e.getCause());
      assertEquals("gone", indeterminate.topicPartition().topic());
      assertTrue(indeterminate.getMessage().contains("may or may not"), e.getMessage());
    }
  }
}
