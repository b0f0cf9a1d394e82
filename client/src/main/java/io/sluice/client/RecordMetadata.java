package io.sluice.client;

/**
 * Where an acknowledged record was written. {@code offset} is -1 when the producer does not wait
 * for acknowledgements ({@code acks=0}); {@code timestamp} is the record's create time, or the
 * broker's append time when the topic uses LogAppendTime.
 */
public record RecordMetadata(TopicPartition topicPartition, long offset, long timestamp) {}
