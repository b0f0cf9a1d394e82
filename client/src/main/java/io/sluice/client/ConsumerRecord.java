package io.sluice.client;

import java.util.List;

/**
 * A record read from a partition, as Kafka's {@code ConsumerRecord}: key and value as the
 * consumer's deserializers made them (null when the record has none; with the default byte
 * deserializers, copies owned by the application); {@code timestampType} is 0 for CreateTime, 1 for
 * LogAppendTime.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
public record ConsumerRecord<K, V>(
    String topic,
    int partition,
    long offset,
    long timestamp,
    int timestampType,
    K key,
    V value,
    List<Header> headers) {

  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  /** This record with another key and value (what a deserializer made of these). */
  <K2, V2> ConsumerRecord<K2, V2> with(K2 newKey, V2 newValue) {
    return new ConsumerRecord<>(
        topic, partition, offset, timestamp, timestampType, newKey, newValue, headers);
  }
}
