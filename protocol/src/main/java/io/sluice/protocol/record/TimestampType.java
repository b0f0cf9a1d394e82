package io.sluice.protocol.record;

/**
 * What the timestamps of a batch mean (attribute bit 3): the time the producer created each record,
 * or the time the broker appended the batch (then every record's timestamp is the batch's {@code
 * maxTimestamp}).
 */
public enum TimestampType {
  CREATE_TIME,
  LOG_APPEND_TIME
}
