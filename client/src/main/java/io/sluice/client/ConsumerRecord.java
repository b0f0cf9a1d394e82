package io.sluice.client;

import java.util.List;

/**
 * A record read from a partition. Key and value are copies owned by the application (null when the
 * record has none); {@code timestampType} is 0 for CreateTime, 1 for LogAppendTime.
 */
public record ConsumerRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    int timestampType,
    byte[] key,
    byte[] value,
    List<Header> headers) {

  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }
}
