package io.sluice.client;

import java.util.List;
import java.util.Objects;

/**
 * A record to send, as Kafka's {@code ProducerRecord}. {@code partition} null lets the partitioner
 * choose (by the serialized key's hash when there is a key, spreading otherwise); {@code timestamp}
 * null means the send time. Key and value may be null; the producer's serializers turn them into
 * bytes. With {@code byte[]} keys and values the arrays are not copied until the record is batched,
 * so callers must not change them after {@code send}.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
public record ProducerRecord<K, V>(
    String topic, Integer partition, Long timestamp, K key, V value, List<Header> headers) {

  public ProducerRecord {
    Objects.requireNonNull(topic, "topic");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition=" + partition + " must be >= 0");
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  public ProducerRecord(String topic, Integer partition, K key, V value) {
    this(topic, partition, null, key, value, List.of());
  }

  public ProducerRecord(String topic, K key, V value) {
    this(topic, null, null, key, value, List.of());
  }

  /** A record with no key. */
  public ProducerRecord(String topic, V value) {
    this(topic, null, null, null, value, List.of());
  }
}
