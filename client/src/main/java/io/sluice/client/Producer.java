package io.sluice.client;

import io.sluice.client.internal.ProducerEngine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends records to Sluice (or any Kafka-compatible broker). {@link #send} is asynchronous: the
 * record joins a per-partition batch that leaves when it holds {@code batch.size} bytes or after
 * {@code linger.ms}; the returned future (and the callback, if any) completes when the broker
 * acknowledged it or it failed for good.
 *
 * <p>Guarantees: records sent to one partition are written in send order; with idempotence (the
 * default) a retried batch is never written twice; memory is bounded by {@code buffer.memory}, with
 * {@code send} blocking up to {@code max.block.ms} when it is spent; {@link #flush} and {@link
 * #close} return only when every record sent before them has an outcome. A record whose outcome is
 * unknown fails with {@link IndeterminateException}.
 *
 * <p>Thread-safe: any number of threads may send concurrently.
 */
public final class Producer implements AutoCloseable {
  private final ProducerEngine engine;

  public Producer(ProducerConfig config) {
    this.engine = new ProducerEngine(config);
  }

  /** Sends a record; same as {@code send(record, null)}. */
  public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
    return engine.send(record, null);
  }

  /**
   * Sends a record. Failures are reported through the future and the callback, never thrown, except
   * an {@link IllegalStateException} after {@link #close}.
   *
   * @param callback called once with the outcome on the producer's I/O thread, or null
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord record, Callback callback) {
    return engine.send(record, callback);
  }

  /** The number of partitions of {@code topic}, creating it if the broker auto-creates topics. */
  public int partitionCount(String topic) {
    return engine.partitionCount(topic);
  }

  /** Sends everything buffered at once, ignoring {@code linger.ms}, and waits for the outcomes. */
  public void flush() {
    engine.flush();
  }

  /** Sends everything buffered, waits for the outcomes, then releases connections and threads. */
  @Override
  public void close() {
    engine.close(Duration.ofMillis(Long.MAX_VALUE));
  }

  /**
   * Like {@link #close()}, but after {@code timeout} fails the records still unsettled and stops.
   */
  public void close(Duration timeout) {
    engine.close(timeout);
  }
}
