package io.sluice.client;

import io.sluice.client.internal.Await;
import io.sluice.client.internal.ConsumerEngine;
import io.sluice.client.internal.OffsetLookup;
import io.sluice.client.serialization.ByteArrayDeserializer;
import io.sluice.client.serialization.Deserializer;
import io.sluice.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Reads records from assigned partitions. Positions start at the group's committed offset when
 * {@code group.id} is set and one exists, else follow {@code auto.offset.reset}; {@link #seek} and
 * friends move them. {@link #poll} returns what is buffered and keeps the next fetches in flight
 * while the application processes it. Every received batch is CRC-checked; a corrupt one fails
 * {@code poll} with a {@link SluiceClientException} naming the partition and offset.
 *
 * <p>With {@link #subscribe}, the consumer is a member of group {@code group.id}: the group's
 * leader assigns the partitions ({@code range} or {@code roundrobin}, as Kafka's consumer does),
 * and a rebalance revokes and reassigns them, telling a {@link ConsumerRebalanceListener}. {@link
 * #close} commits (with {@code enable.auto.commit}) and leaves the group.
 *
 * <p>Keys and values are typed, as with Kafka's {@code KafkaConsumer<K, V>}: the deserializers
 * given to the constructor, or named by {@code key.deserializer} and {@code value.deserializer},
 * make them from the record's bytes ({@code byte[]} when none is named, handed over with no extra
 * copy).
 *
 * <p>Not thread-safe: one thread uses a consumer, as with Kafka's.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
public final class Consumer<K, V> implements AutoCloseable {
  private final ConsumerEngine engine;
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;

  /** True when both deserializers return the bytes they are given: records pass as they are. */
  private final boolean rawBytes;

  /** A consumer whose deserializers are the classes {@code key.deserializer}/{@code value...}. */
  @SuppressWarnings("unchecked") // the configured classes are the user's promise, as in Kafka
  public Consumer(ConsumerConfig config) {
    this(
        config,
        (Deserializer<K>)
            Serdes.instantiate("key.deserializer", config.keyDeserializer(), Deserializer.class),
        (Deserializer<V>)
            Serdes.instantiate(
                "value.deserializer", config.valueDeserializer(), Deserializer.class));
  }

  public Consumer(
      ConsumerConfig config, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
    this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    this.rawBytes =
        keyDeserializer instanceof ByteArrayDeserializer
            && valueDeserializer instanceof ByteArrayDeserializer;
    this.engine = new ConsumerEngine(config);
  }

  /** As Kafka's {@code new KafkaConsumer<>(configs)}: settings by their Kafka key names. */
  public Consumer(Map<String, ?> configs) {
    this(ConsumerConfig.builder().properties(configs).build());
  }

  public Consumer(Properties properties) {
    this(Serdes.toMap(properties));
  }

  public Consumer(
      Map<String, ?> configs, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    this(ConsumerConfig.builder().properties(configs).build(), keyDeserializer, valueDeserializer);
  }

  /** Reads exactly these partitions from now on (replacing any earlier assignment). */
  public void assign(Collection<TopicPartition> partitions) {
    if (engine.subscribed()) {
      throw new IllegalStateException("assign() on a subscribed consumer: unsubscribe() first");
    }
    engine.assign(partitions);
  }

  /**
   * Joins group {@code group.id} and reads the partitions of {@code topics} the group assigns to
   * this consumer; {@link #poll} runs the membership (joins, heartbeats' findings, rebalances).
   */
  public void subscribe(Collection<String> topics) {
    subscribe(topics, null);
  }

  /** As {@link #subscribe(Collection)}, telling {@code listener} of every rebalance. */
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    engine.subscribe(topics, null, listener);
  }

  /**
   * Subscribes to every topic whose whole name matches {@code pattern} (internal topics excluded),
   * rechecked every few seconds: a new matching topic causes a rebalance.
   */
  public void subscribe(Pattern pattern) {
    subscribe(pattern, null);
  }

  public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
    engine.subscribe(null, pattern, listener);
  }

  /**
   * Leaves the group (after committing, with {@code enable.auto.commit}) and drops the partitions.
   */
  public void unsubscribe() {
    engine.unsubscribe();
  }

  public Set<TopicPartition> assignment() {
    return engine.assignment();
  }

  /** The partitions of an existing topic. */
  public List<TopicPartition> partitionsFor(String topic) {
    return engine.partitionsFor(topic);
  }

  /** The next poll returns records of {@code partition} from {@code offset}. */
  public void seek(TopicPartition partition, long offset) {
    engine.seek(partition, offset);
  }

  public void seekToBeginning(Collection<TopicPartition> partitions) {
    engine.seekTo(partitions, OffsetLookup.EARLIEST);
  }

  public void seekToEnd(Collection<TopicPartition> partitions) {
    engine.seekTo(partitions, OffsetLookup.LATEST);
  }

  /** The offset of the next record {@link #poll} returns for {@code partition}. */
  public long position(TopicPartition partition) {
    return engine.position(partition);
  }

  /**
   * Returns buffered records, waiting up to {@code timeout} for some to arrive. A key or value the
   * deserializer refuses fails the poll with what it threw.
   */
  public ConsumerRecords<K, V> poll(Duration timeout) {
    return deserialized(engine.poll(timeout));
  }

  @SuppressWarnings("unchecked") // rawBytes: K and V are byte[]
  private ConsumerRecords<K, V> deserialized(ConsumerRecords<byte[], byte[]> raw) {
    if (rawBytes || raw.isEmpty()) {
      return (ConsumerRecords<K, V>) raw;
    }
    Map<TopicPartition, List<ConsumerRecord<K, V>>> typed = new LinkedHashMap<>();
    for (TopicPartition partition : raw.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> records = raw.records(partition);
      List<ConsumerRecord<K, V>> out = new ArrayList<>(records.size());
      for (ConsumerRecord<byte[], byte[]> r : records) {
        out.add(
            r.with(
                keyDeserializer.deserialize(r.topic(), r.key()),
                valueDeserializer.deserialize(r.topic(), r.value())));
      }
      typed.put(partition, out);
    }
    return new ConsumerRecords<>(typed);
  }

  /** Commits the current position of every assigned partition and waits for the answer. */
  public void commitSync() {
    commitSync(engine.positions());
  }

  /** Commits the given offsets (the next offset to read, as Kafka defines it) and waits. */
  public void commitSync(Map<TopicPartition, Long> offsets) {
    Await.get(engine.commit(offsets), engine.requestTimeoutMs());
  }

  /** Commits the current positions; the future completes on the consumer's I/O thread. */
  public CompletableFuture<Void> commitAsync() {
    return engine.commit(engine.positions());
  }

  /** The group's committed offsets; partitions with none are absent from the map. */
  public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
    return engine.committed(partitions);
  }

  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      keyDeserializer.close();
      valueDeserializer.close();
    }
  }
}
