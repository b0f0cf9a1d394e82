package io.sluice.client.internal;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.client.IndeterminateException;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.client.internal.RecordAccumulator.Outcome;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.RecordBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's I/O driver, run by one thread: takes ready batches from the {@link
 * RecordAccumulator}, sends one Produce request per leader, and settles each batch from the answer:
 * acknowledged, retried (a retriable error before {@code delivery.timeout.ms}), or failed.
 *
 * <p>A batch that was sent and then got no definite answer (timeout, lost connection) is
 * <em>ambiguous</em>: if it runs out of time it fails with {@link IndeterminateException}, since it
 * may be in the log. With idempotence a retry carries the same producer id and sequence, so the
 * broker drops a second copy.
 *
 * <p>Thread safety: {@link #run} runs on the sender thread; answers are handled on the I/O thread
 * and touch only the batch concerned and the thread-safe accumulator.
 */
final class Sender implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Sender.class);

  private final NodeConnections connections;
  private final MetadataCache metadata;
  private final RecordAccumulator accumulator;
  private final short acks;
  private final long requestTimeoutMs;
  private final long retryBackoffMs;
  private final int maxRequestSize;
  private final boolean idempotent;
  private volatile boolean running = true;
  private volatile boolean forced;
  private final Object sendLock = new Object();
  private volatile long producerId = -1;
  private volatile short producerEpoch = -1;
  private long nextMetadataMs;

  private final Compression compression;
  private final CompressionRatios ratios;

  Sender(
      NodeConnections connections,
      MetadataCache metadata,
      RecordAccumulator accumulator,
      short acks,
      long requestTimeoutMs,
      long retryBackoffMs,
      int maxRequestSize,
      boolean idempotent,
      Compression compression,
      CompressionRatios ratios) {
    this.compression = compression;
    this.ratios = ratios;
    this.connections = connections;
    this.metadata = metadata;
    this.accumulator = accumulator;
    this.acks = acks;
    this.requestTimeoutMs = requestTimeoutMs;
    this.retryBackoffMs = retryBackoffMs;
    this.maxRequestSize = maxRequestSize;
    this.idempotent = idempotent;
  }

  /** Stops once every accepted record is settled ({@code force}: at once, failing the rest). */
  void initiateClose(boolean force) {
    running = false;
    forced |= force;
    accumulator.close();
  }

  @Override
  public void run() {
    while (!forced && (running || accumulator.hasIncomplete())) {
      try {
        runOnce(System.currentTimeMillis());
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        log.error("producer sender loop failed; continuing", e);
      }
    }
    SluiceClientException closed =
        new SluiceClientException(
            Errors.UNKNOWN_SERVER_ERROR,
            null,
            "producer closed before the record was sent",
            false,
            null);
    for (ProducerBatch b : accumulator.drainAll()) {
      b.fail(closed);
      accumulator.completed(b, Outcome.FAILED_QUEUED);
    }
  }

  private void runOnce(long now) throws InterruptedException {
    if (idempotent && producerId < 0 && !initProducerId()) {
      failExpired(now);
      accumulator.awaitWork(now + retryBackoffMs, now);
      return;
    }
    failExpired(now);
    RecordAccumulator.Drained drained = sendReady(now);
    if (!drained.unknownLeaders().isEmpty() && now >= nextMetadataMs) {
      nextMetadataMs = now + retryBackoffMs;
      metadata.refresh(drained.unknownLeaders(), true).whenComplete((m, e) -> accumulator.wakeup());
    }
    long wake =
        drained.unknownLeaders().isEmpty()
            ? drained.nextCheckMs()
            : Math.min(drained.nextCheckMs(), now + retryBackoffMs);
    accumulator.awaitWork(wake, System.currentTimeMillis());
  }

  /**
   * Drains what may leave now and hands it to the connections. Called by the sender thread and,
   * right after an answer freed a slot, by the I/O thread, so that the next batch does not wait for
   * the sender thread to be scheduled. The lock keeps drain and hand-over atomic: batches of a
   * partition reach their connection in sequence order whichever thread sends them.
   */
  private RecordAccumulator.Drained sendReady(long now) {
    synchronized (sendLock) {
      RecordAccumulator.Drained drained = accumulator.drain(now, this::leaderOf, maxRequestSize);
      drained
          .byLeader()
          .forEach(
              (leader, batches) -> {
                try {
                  send(leader, batches);
                } catch (RuntimeException e) {
                  // A drained batch must always be settled, or flush() would wait forever.
                  log.error("cannot send to broker {}", leader, e);
                  batches.forEach(b -> retryOrFail(b, e, false));
                }
              });
      return drained;
    }
  }

  /** After an answer on the I/O thread: send what became ready (never blocks). */
  private void sendMore() {
    if (!forced && (!idempotent || producerId >= 0)) {
      sendReady(System.currentTimeMillis());
    }
  }

  /**
   * The partition's leader: -1 when metadata does not know it, -2 while its connection is still
   * being opened (so that batches are not queued behind a connect, where their order could change).
   */
  private int leaderOf(TopicPartition tp) {
    TopicInfo info = metadata.topic(tp.topic());
    int leader = info == null ? -1 : info.leader(tp.partition());
    if (leader < 0) {
      return -1;
    }
    CompletableFuture<BrokerConnection> connection = connections.connection(leader);
    if (!connection.isDone()) {
      connection.whenComplete((c, e) -> accumulator.wakeup());
      return -2;
    }
    return leader;
  }

  private void failExpired(long now) {
    for (ProducerBatch b : accumulator.expire(now)) {
      b.fail(timeoutError(b));
      accumulator.completed(b, Outcome.FAILED_QUEUED);
    }
  }

  private SluiceClientException timeoutError(ProducerBatch b) {
    if (b.ambiguous) {
      return new IndeterminateException(
          b.partition,
          b.records().size()
              + " records to "
              + b.partition
              + " were sent "
              + b.attempts
              + " times without a definite answer within delivery.timeout.ms; they may or may"
              + " not have been written",
          null);
    }
    return new SluiceClientException(
        Errors.REQUEST_TIMED_OUT,
        b.partition,
        b.records().size()
            + " records to "
            + b.partition
            + " expired before they could be written (delivery.timeout.ms); they were not written",
        true,
        null);
  }

  private boolean initProducerId() {
    try {
      InitProducerIdResponse response =
          Await.get(
              connections
                  .anyConnection()
                  .thenCompose(
                      c ->
                          c.send(
                              ApiKey.INIT_PRODUCER_ID,
                              new InitProducerIdRequest()
                                  .setTransactionalId(null)
                                  .setTransactionTimeoutMs(Integer.MAX_VALUE),
                              InitProducerIdResponse::read)),
              requestTimeoutMs);
      Errors error = Errors.forCode(response.errorCode());
      if (error != Errors.NONE) {
        throw new SluiceClientException(
            error, null, "the broker refused a producer id: " + error, error.retriable(), null);
      }
      producerId = response.producerId();
      producerEpoch = response.producerEpoch();
      return true;
    } catch (SluiceClientException e) {
      if (!e.retriable()) {
        // No idempotent producer is possible (say, a broker without InitProducerId): fail what
        // waits now rather than at delivery.timeout.ms. Later sends are tried again.
        log.warn("{}; failing queued records (enable.idempotence=false avoids it)", e.getMessage());
        for (ProducerBatch b : accumulator.drainAll()) {
          b.fail(e);
          accumulator.completed(b, Outcome.FAILED_QUEUED);
        }
      }
      log.debug("InitProducerId failed: {}", e.getMessage());
      return false;
    }
  }

  private void send(int leader, List<ProducerBatch> batches) {
    Map<String, List<ProduceRequest.PartitionProduceData>> byTopic = new LinkedHashMap<>();
    Map<TopicPartition, ProducerBatch> byPartition = new HashMap<>();
    for (ProducerBatch b : batches) {
      if (b.encoded == null) {
        b.encoded =
            BatchCodec.encode(
                ByteBufAllocator.DEFAULT,
                b.records(),
                b.estimatedBytes(),
                producerId,
                producerEpoch,
                b.baseSequence,
                compression);
        ratios.observe(
            b.partition.topic(),
            b.estimatedBytes() + RecordBatch.HEADER_SIZE,
            b.encoded.readableBytes());
      }
      byPartition.put(b.partition, b);
      byTopic
          .computeIfAbsent(b.partition.topic(), k -> new ArrayList<>())
          .add(
              new ProduceRequest.PartitionProduceData()
                  .setIndex(b.partition.partition())
                  .setRecords(new BatchRecords(b.encoded)));
    }
    List<ProduceRequest.TopicProduceData> topics = new ArrayList<>();
    byTopic.forEach(
        (name, list) ->
            topics.add(new ProduceRequest.TopicProduceData().setName(name).setPartitionData(list)));
    ProduceRequest request =
        new ProduceRequest()
            .setAcks(acks)
            .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, requestTimeoutMs))
            .setTopicData(topics);
    CompletableFuture<BrokerConnection> connection = connections.connection(leader);
    if (acks == 0) {
      connection
          .thenCompose(
              c -> {
                short v = c.requireVersion(ApiKey.PRODUCE);
                return c.sendWithoutResponse(ApiKey.PRODUCE, v, request);
              })
          .whenComplete(
              (ok, error) -> {
                for (ProducerBatch b : batches) {
                  if (error == null) {
                    b.succeed(-1, -1);
                    accumulator.completed(b, Outcome.ACKED);
                  } else {
                    retryOrFail(b, error, false);
                  }
                }
              });
      return;
    }
    // Until the request reaches a connection, a failure means it was certainly not written.
    AtomicBoolean handedOver = new AtomicBoolean();
    connection
        .thenCompose(
            c -> {
              short v = c.requireVersion(ApiKey.PRODUCE);
              handedOver.set(true);
              return c.send(ApiKey.PRODUCE, v, request, r -> ProduceResponse.read(r, v));
            })
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                for (ProducerBatch b : batches) {
                  retryOrFail(b, error, handedOver.get());
                }
              } else {
                try {
                  handle(response, byPartition);
                } catch (RuntimeException e) {
                  log.error("cannot handle a produce answer", e);
                }
                sendMore();
              }
            });
  }

  private void handle(ProduceResponse response, Map<TopicPartition, ProducerBatch> sent) {
    for (ProduceResponse.TopicProduceResponse t : response.responses()) {
      for (ProduceResponse.PartitionProduceResponse p : t.partitionResponses()) {
        ProducerBatch b = sent.remove(new TopicPartition(t.name(), p.index()));
        if (b == null) {
          continue;
        }
        Errors error = Errors.forCode(p.errorCode());
        if (error == Errors.NONE || error == Errors.DUPLICATE_SEQUENCE_NUMBER) {
          b.succeed(p.baseOffset(), p.logAppendTimeMs());
          accumulator.completed(b, Outcome.ACKED);
        } else {
          settle(b, error, p.errorMessage());
        }
      }
    }
    for (ProducerBatch b : sent.values()) {
      settle(b, Errors.UNKNOWN_SERVER_ERROR, "the broker's answer left this partition out");
    }
  }

  private void settle(ProducerBatch b, Errors error, String message) {
    boolean retriable =
        error.retriable()
            || (error == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER && accumulator.hasEarlierUnacked(b));
    if (retriable && !forced && System.currentTimeMillis() + retryBackoffMs < b.deadlineMs) {
      if (error == Errors.NOT_LEADER_OR_FOLLOWER || error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
        metadata.refresh(Set.of(b.partition.topic()), true);
      }
      accumulator.requeue(b, System.currentTimeMillis() + retryBackoffMs);
      return;
    }
    SluiceClientException failure =
        error.retriable() && b.ambiguous
            ? timeoutError(b)
            : new SluiceClientException(
                error,
                b.partition,
                "produce to "
                    + b.partition
                    + " failed: "
                    + error
                    + (message == null ? "" : " (" + message + ")"),
                error.retriable(),
                null);
    b.fail(failure);
    accumulator.completed(b, Outcome.FAILED_IN_FLIGHT);
  }

  private void retryOrFail(ProducerBatch b, Throwable error, boolean mayHaveBeenWritten) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    boolean retriable = cause instanceof SluiceClientException s && s.retriable();
    b.ambiguous |= mayHaveBeenWritten && retriable;
    if (retriable && !forced && System.currentTimeMillis() + retryBackoffMs < b.deadlineMs) {
      metadata.refresh(Set.of(b.partition.topic()), true); // the leader may have moved
      accumulator.requeue(b, System.currentTimeMillis() + retryBackoffMs);
      return;
    }
    SluiceClientException failure =
        retriable
            ? timeoutError(b)
            : new SluiceClientException(
                Errors.forException(cause),
                b.partition,
                "produce to " + b.partition + " failed: " + cause.getMessage(),
                false,
                cause);
    b.fail(failure);
    accumulator.completed(b, Outcome.FAILED_IN_FLIGHT);
  }
}
