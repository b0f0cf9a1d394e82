package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.wire.WireReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions are not implemented, and a transactional producer learns so at once: FindCoordinator
 * for a transactional id answers a non-retriable error whose message says so (kafka-clients fails
 * {@code initTransactions()} with it), where {@code COORDINATOR_NOT_AVAILABLE} had the client retry
 * until {@code max.block.ms} (60 s) and then time out without a reason. InitProducerId with a
 * transactional id, which a client sends only to a coordinator it found, is refused as well.
 */
class TransactionsRefusedIT {
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void initTransactions_failsAtOnceSayingTransactionsAreNotSupported() {
    Properties props = KafkaClients.producer(broker.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "orders-tx");
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      KafkaException e = assertThrows(KafkaException.class, producer::initTransactions);
      assertTrue(
          e.getMessage().contains("transactions are not supported"), "message: " + e.getMessage());
    }
    // Not a timing test: 20 s only proves that the client did not wait out max.block.ms (60 s).
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
  }

  @Test
  void findCoordinator_transactionKey_nonRetriableErrorWithMessage_everyVersion() throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      // v0 has no key type: it always names a group.
      for (short version = 1; version <= 6; version++) {
        FindCoordinatorRequest request = new FindCoordinatorRequest().setKeyType((byte) 1);
        if (version < 4) {
          request.setKey("orders-tx");
        } else {
          request.setCoordinatorKeys(List.of("orders-tx", "other-tx"));
        }
        raw.send(ApiKey.FIND_COORDINATOR.id(), version, 100 + version, request);
        FindCoordinatorResponse response =
            readResponse(
                raw,
                ApiKey.FIND_COORDINATOR,
                version,
                100 + version,
                FindCoordinatorResponse::read);
        if (version < 4) {
          assertEquals(Errors.INVALID_REQUEST.code(), response.errorCode(), "v" + version);
          assertEquals(-1, response.nodeId());
          assertTrue(response.errorMessage().contains("transactions are not supported"));
        } else {
          assertEquals(2, response.coordinators().size());
          for (FindCoordinatorResponse.Coordinator c : response.coordinators()) {
            assertEquals(Errors.INVALID_REQUEST.code(), c.errorCode(), "v" + version);
            assertEquals(-1, c.nodeId());
            assertTrue(c.errorMessage().contains("transactions are not supported"));
          }
          assertEquals(
              List.of("orders-tx", "other-tx"),
              response.coordinators().stream()
                  .map(FindCoordinatorResponse.Coordinator::key)
                  .toList());
        }
      }
      // Groups are still coordinated here.
      raw.send(
          ApiKey.FIND_COORDINATOR.id(),
          (short) 3,
          200,
          new FindCoordinatorRequest().setKey("group").setKeyType((byte) 0));
      FindCoordinatorResponse group =
          readResponse(raw, ApiKey.FIND_COORDINATOR, (short) 3, 200, FindCoordinatorResponse::read);
      assertEquals(Errors.NONE.code(), group.errorCode());
      assertEquals(broker.broker().localAddress().getPort(), group.port());
    }
  }

  @Test
  void initProducerId_transactionalId_refused_idempotentStillServed() throws Exception {
    try (RawConnection raw = new RawConnection(broker.broker().localAddress())) {
      raw.send(
          ApiKey.INIT_PRODUCER_ID.id(),
          (short) 4,
          1,
          new InitProducerIdRequest()
              .setTransactionalId("orders-tx")
              .setTransactionTimeoutMs(60_000)
              .setProducerId(-1)
              .setProducerEpoch((short) -1));
      InitProducerIdResponse refused =
          readResponse(raw, ApiKey.INIT_PRODUCER_ID, (short) 4, 1, InitProducerIdResponse::read);
      assertEquals(Errors.INVALID_REQUEST.code(), refused.errorCode());
      assertEquals(-1, refused.producerId());

      raw.send(
          ApiKey.INIT_PRODUCER_ID.id(),
          (short) 4,
          2,
          new InitProducerIdRequest()
              .setTransactionalId(null)
              .setTransactionTimeoutMs(60_000)
              .setProducerId(-1)
              .setProducerEpoch((short) -1));
      InitProducerIdResponse idempotent =
          readResponse(raw, ApiKey.INIT_PRODUCER_ID, (short) 4, 2, InitProducerIdResponse::read);
      assertEquals(Errors.NONE.code(), idempotent.errorCode());
      assertTrue(idempotent.producerId() >= 0);
    }
  }

  /** Reads a response's header (v0, or v1 for flexible versions) and its body. */
  private static <T> T readResponse(
      RawConnection raw, ApiKey api, short version, int correlationId, Reader<T> reader)
      throws Exception {
    ByteBuffer frame = raw.readFrame();
    WireReader in = new WireReader(Unpooled.wrappedBuffer(frame));
    assertEquals(correlationId, Frames.readResponseHeader(api, version, in).correlationId());
    T body = reader.read(in, version);
    assertEquals(0, in.remaining(), "bytes after the body");
    return body;
  }

  /** The generated {@code read(reader, version)} of a response body after its header. */
  private interface Reader<T> {
    T read(WireReader reader, short version);
  }
}
