package io.sluice.client.internal;

import io.sluice.client.Callback;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.record.CompressionType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@code Producer}: metadata, partitioner, memory budget, accumulator and the
 * sender thread. Not API.
 *
 * <p>Thread-safe: {@link #send} runs on application threads and touches only thread-safe parts.
 */
public final class ProducerEngine {
  private static final Logger log = LoggerFactory.getLogger(ProducerEngine.class);

  private final ProducerConfig config;
  private final NodeConnections connections;
  private final MetadataCache metadata;
  private final DefaultPartitioner partitioner;
  private final MemoryBudget memory;
  private final RecordAccumulator accumulator;
  private final Sender sender;
  private final Thread senderThread;
  private volatile boolean closed;

  public ProducerEngine(ProducerConfig config) {
    this.config = config;
    this.connections =
        new NodeConnections(
            config.bootstrapServers(),
            config.clientId(),
            config.requestTimeoutMs(),
            16 << 20,
            "sluice-producer-io");
    this.metadata = new MetadataCache(connections);
    this.partitioner = new DefaultPartitioner(config.batchSize());
    this.memory = new MemoryBudget(config.bufferMemory());
    CompressionRatios ratios =
        new CompressionRatios(config.compression().type() != CompressionType.NONE);
    this.accumulator =
        new RecordAccumulator(
            config.batchSize(),
            config.lingerMs(),
            config.deliveryTimeoutMs(),
            config.maxInFlight(),
            config.enableIdempotence(),
            memory,
            ratios);
    this.sender =
        new Sender(
            connections,
            metadata,
            accumulator,
            config.acks(),
            config.requestTimeoutMs(),
            config.retryBackoffMs(),
            config.maxRequestSize(),
            config.enableIdempotence(),
            config.compression(),
            ratios);
    this.senderThread = new Thread(sender, "sluice-producer-sender");
    senderThread.setDaemon(true);
    senderThread.start();
  }

  public CompletableFuture<RecordMetadata> send(
      ProducerRecord<byte[], byte[]> record, Callback callback) {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
    CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    long start = System.nanoTime();
    try {
      int size = PendingRecord.estimateSize(record.key(), record.value(), record.headers());
      if (size > config.maxRequestSize()) {
        throw new SluiceClientException(
            Errors.MESSAGE_TOO_LARGE,
            null,
            "record of ~" + size + " bytes exceeds max.request.size=" + config.maxRequestSize(),
            false,
            null);
      }
      TopicInfo topic =
          metadata.await(record.topic(), true, config.maxBlockMs(), config.retryBackoffMs());
      int partition = choosePartition(record, topic, size);
      long spentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      memory.reserve(size, Math.max(0, config.maxBlockMs() - spentMs));
      long now = System.currentTimeMillis();
      long timestamp = record.timestamp() != null ? record.timestamp() : now;
      accumulator.append(
          new TopicPartition(record.topic(), partition),
          new PendingRecord(
              timestamp, record.key(), record.value(), record.headers(), future, callback),
          size,
          now);
    } catch (SluiceClientException e) {
      future.completeExceptionally(e);
      if (callback != null) {
        callback.onCompletion(null, e);
      }
    }
    return future;
  }

  private int choosePartition(ProducerRecord<byte[], byte[]> record, TopicInfo topic, int size) {
    int count = topic.partitionCount();
    if (record.partition() != null) {
      if (record.partition() >= count) {
        throw new SluiceClientException(
            Errors.UNKNOWN_TOPIC_OR_PARTITION,
            new TopicPartition(record.topic(), record.partition()),
            "partition "
                + record.partition()
                + " of topic '"
                + record.topic()
                + "' does not exist (it has "
                + count
                + ")",
            false,
            null);
      }
      return record.partition();
    }
    return partitioner.partition(record.topic(), record.key(), size, count);
  }

  public int partitionCount(String topic) {
    return metadata
        .await(topic, true, config.maxBlockMs(), config.retryBackoffMs())
        .partitionCount();
  }

  public void flush() {
    List<CompletableFuture<?>> pending = accumulator.beginFlush();
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .handle((ok, error) -> null)
          .join();
    } finally {
      accumulator.endFlush();
    }
  }

  public void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    sender.initiateClose(false);
    try {
      senderThread.join(timeout.toMillis() == Long.MAX_VALUE ? 0 : Math.max(1, timeout.toMillis()));
      if (senderThread.isAlive()) {
        log.warn("producer close timed out after {}; failing unsent records", timeout);
        sender.initiateClose(true);
        accumulator.wakeup();
        senderThread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connections.close();
    }
  }
}
