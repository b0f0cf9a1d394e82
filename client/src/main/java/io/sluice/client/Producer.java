package io.sluice.client;

import io.sluice.client.internal.ProducerEngine;
import io.sluice.client.serialization.ByteArraySerializer;
import io.sluice.client.serialization.Serdes;
import io.sluice.client.serialization.Serializer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
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
 * <p>Keys and values are typed, as with Kafka's {@code KafkaProducer<K, V>}: the serializers given
 * to the constructor, or named by {@code key.serializer} and {@code value.serializer}, turn them
 * into bytes ({@code byte[]} as they are when none is named). With byte-array serializers a
 * record's arrays go to the batch as they are, with no extra copy or allocation.
 *
 * <p>Thread-safe: any number of threads may send concurrently.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
public final class Producer<K, V> implements AutoCloseable {
  private final ProducerEngine engine;
  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;

  /**
   * True when both serializers return the bytes they are given: records pass through as they are.
   */
  private final boolean rawBytes;

  /**
   * A producer whose serializers are the classes {@code key.serializer}/{@code value.serializer}.
   */
  @SuppressWarnings("unchecked") // the configured classes are the user's promise, as in Kafka
  public Producer(ProducerConfig config) {
    this(
        config,
        (Serializer<K>)
            Serdes.instantiate("key.serializer", config.keySerializer(), Serializer.class),
        (Serializer<V>)
            Serdes.instantiate("value.serializer", config.valueSerializer(), Serializer.class));
  }

  public Producer(
      ProducerConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
    this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
    this.rawBytes =
        keySerializer instanceof ByteArraySerializer
            && valueSerializer instanceof ByteArraySerializer;
    this.engine = new ProducerEngine(config);
  }

  /** As Kafka's {@code new KafkaProducer<>(configs)}: settings by their Kafka key names. */
  public Producer(Map<String, ?> configs) {
    this(ProducerConfig.builder().properties(configs).build());
  }

  public Producer(Properties properties) {
    this(Serdes.toMap(properties));
  }

  public Producer(
      Map<String, ?> configs, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    this(ProducerConfig.builder().properties(configs).build(), keySerializer, valueSerializer);
  }

  /** Sends a record; same as {@code send(record, null)}. */
  public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, null);
  }

  /**
   * Sends a record. Failures are reported through the future and the callback, never thrown, except
   * an {@link IllegalStateException} after {@link #close} and a {@link
   * io.sluice.client.serialization.SerializationException} (or whatever the serializer threw) when
   * the key or value cannot be serialized: that record is not sent.
   *
   * @param callback called once with the outcome on the producer's I/O thread, or null
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    return engine.send(serialized(record), callback);
  }

  @SuppressWarnings("unchecked") // rawBytes: K and V are byte[]
  private ProducerRecord<byte[], byte[]> serialized(ProducerRecord<K, V> record) {
    if (rawBytes) {
      return (ProducerRecord<byte[], byte[]>) record;
    }
    String topic = record.topic();
    return new ProducerRecord<>(
        topic,
        record.partition(),
        record.timestamp(),
        keySerializer.serialize(topic, record.key()),
        valueSerializer.serialize(topic, record.value()),
        record.headers());
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
    close(Duration.ofMillis(Long.MAX_VALUE));
  }

  /**
   * Like {@link #close()}, but after {@code timeout} fails the records still unsettled and stops.
   */
  public void close(Duration timeout) {
    try {
      engine.close(timeout);
    } finally {
      keySerializer.close();
      valueSerializer.close();
    }
  }
}
