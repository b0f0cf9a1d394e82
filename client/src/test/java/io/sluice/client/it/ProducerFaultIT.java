package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import io.sluice.client.SluiceClientException;
import io.sluice.client.testing.ChaosProxy;
import io.sluice.client.testing.KafkaFakeBroker;
import io.sluice.protocol.Errors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
  private KafkaFakeBroker broker;
  private ChaosProxy proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new ChaosProxy();
    broker = new KafkaFakeBroker();
    broker.advertise(proxy.port());
    proxy.upstream("127.0.0.1", broker.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    broker.close();
  }

  @Test
  void send_connectionCutBeforeTheAnswer_retriedAndWrittenOnce() throws Exception {
    broker.createTopic("cut", 1);
    try (Producer producer =
        new Producer(
            ProducerConfig.builder()
                .bootstrapServers(proxy.bootstrap())
                .lingerMs(20)
                .retryBackoffMs(50)
                .build())) {
      producer
          .send(new ProducerRecord("cut", null, "warm-up".getBytes(StandardCharsets.UTF_8)))
          .get();
      proxy.loseNextProduceResponse();
      List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(
            producer.send(
                new ProducerRecord("cut", null, ("r" + i).getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
      for (int i = 0; i < 20; i++) {
        assertEquals(1 + i, futures.get(i).get().offset(), "record " + i);
      }
    }
    List<byte[]> stored = broker.values("cut", 0);
    assertEquals(21, stored.size(), "the batch whose answer was lost is stored once");
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(("r" + i).getBytes(StandardCharsets.UTF_8), stored.get(1 + i));
    }
  }

  @Test
  void send_brokerStopsAnswering_memoryBoundedThenSendFails() throws Exception {
    broker.createTopic("hole", 1);
    long bufferMemory = 32 * 1024;
    int accepted = 0;
    SluiceClientException failure = null;
    Producer producer =
        new Producer(
            ProducerConfig.builder()
                .bootstrapServers(proxy.bootstrap())
                .bufferMemory(bufferMemory)
                .batchSize(4096)
                .maxBlockMs(300)
                .requestTimeoutMs(5_000)
                .build());
    try {
      producer.send(new ProducerRecord("hole", null, new byte[10])).get();
      proxy.blackhole(true);
      for (int i = 0; i < 500 && failure == null; i++) {
        CompletableFuture<RecordMetadata> f =
            producer.send(new ProducerRecord("hole", null, new byte[500]));
        if (f.isCompletedExceptionally()) {
          failure = (SluiceClientException) ProducerIT.unwrap(f);
        } else {
          accepted++;
        }
      }
    } finally {
      producer.close(Duration.ofMillis(100));
    }
    assertTrue(failure != null, "send failed once buffer.memory was spent");
    assertEquals(Errors.REQUEST_TIMED_OUT, failure.error());
    assertTrue(accepted * 500L <= bufferMemory, "accepted=" + accepted);
    assertTrue(accepted >= 50, "accepted=" + accepted + " filled most of the budget");
  }
}
