package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.InvalidRecordException;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.TimestampType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The checks a produced request passes before it reaches the append lock. Stateless. */
final class AppendValidation {
  private AppendValidation() {}

  /**
   * Checks every batch of a request with the protocol module's full validation (magic, CRC32C,
   * codec, counts, and each record of an uncompressed batch), and its CreateTime timestamps against
   * the broker's clock ({@link #checkTimestamps}), before any lock is taken.
   */
  static List<BatchHeader> validate(
      TopicPartition topicPartition,
      LogConfig config,
      ByteBuffer buf,
      List<Integer> positions,
      long now) {
    return validate(topicPartition, config, buf, positions, now, true);
  }

  /**
   * The same checks for batches a follower copies from its leader, except the timestamps (the
   * leader accepted them when they were produced, however old they are now), and the batches keep
   * the leader epoch the leader stamped.
   */
  static List<BatchHeader> validateReplicated(
      TopicPartition topicPartition, LogConfig config, ByteBuffer buf, List<Integer> positions) {
    return validate(topicPartition, config, buf, positions, 0, false);
  }

  private static List<BatchHeader> validate(
      TopicPartition topicPartition,
      LogConfig config,
      ByteBuffer buf,
      List<Integer> positions,
      long now,
      boolean produced) {
    List<BatchHeader> headers = new ArrayList<>();
    int at = buf.position();
    int limit = buf.limit();
    while (at < limit) {
      int available = limit - at;
      if (available >= BatchHeader.LOG_OVERHEAD) {
        long size = buf.getInt(at + BatchHeader.LENGTH_OFFSET) + (long) BatchHeader.LOG_OVERHEAD;
        if (size > config.maxMessageBytes() && size <= available) {
          throw new SluiceException(
              Errors.MESSAGE_TOO_LARGE,
              topicPartition
                  + ": batch of "
                  + size
                  + " bytes exceeds message.max.bytes="
                  + config.maxMessageBytes());
        }
      }
      RecordBatch batch;
      try {
        batch = RecordBatch.at(buf, at);
        // The producer's partitionLeaderEpoch is not the broker's to check: Java sends -1, kcat
        // and kafkajs 0, a forged batch anything. Kafka overwrites it on append; so does the log
        // (under its lock, with the leader's epoch). It lies outside the CRC, so clearing it here
        // leaves the batch valid and keeps validate()'s epoch rule for what is on disk.
        if (produced) {
          batch.setPartitionLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        }
        batch.validate();
      } catch (InvalidRecordException e) {
        throw new SluiceException(
            e.error(),
            topicPartition
                + ": invalid batch at byte "
                + (at - buf.position())
                + ": "
                + e.getMessage(),
            e);
      }
      if (batch.recordCount() < 1) {
        throw new SluiceException(
            Errors.INVALID_RECORD,
            topicPartition + ": empty batch at byte " + (at - buf.position()));
      }
      if (produced) {
        checkTimestamps(topicPartition, config, batch, now);
      }
      positions.add(at);
      headers.add(BatchHeader.of(batch));
      at += batch.sizeInBytes();
    }
    if (headers.isEmpty()) {
      throw new SluiceException(Errors.CORRUPT_MESSAGE, topicPartition + ": no record batch");
    }
    return headers;
  }

  /**
   * Kafka's {@code message.timestamp.after.max.ms} and {@code message.timestamp.before.max.ms}: a
   * CreateTime batch whose timestamps lie further ahead of or behind {@code now} is refused with
   * {@code INVALID_TIMESTAMP}. The batch header's timestamps are checked: {@code maxTimestamp} (the
   * latest record, what the time index and time-based retention use) against the upper bound and
   * {@code baseTimestamp} (the first record's) against the lower one; records of a compressed batch
   * are opaque to Sluice. {@code NO_TIMESTAMP} (-1) passes, as in Kafka. A LogAppendTime batch is
   * stored as sent.
   */
  static void checkTimestamps(
      TopicPartition topicPartition, LogConfig config, RecordBatch batch, long now) {
    if (batch.timestampType() != TimestampType.CREATE_TIME) {
      return;
    }
    long latest = batch.maxTimestamp();
    long earliest = batch.baseTimestamp();
    String problem = null;
    if (latest != RecordBatch.NO_TIMESTAMP
        && latest > now
        && latest - now > config.timestampAfterMaxMs()) {
      problem = "maxTimestamp=" + latest + " is " + (latest - now) + " ms ahead of the broker";
    } else if (earliest != RecordBatch.NO_TIMESTAMP
        && earliest < now
        && Long.compareUnsigned(now - earliest, config.timestampBeforeMaxMs()) > 0) {
      problem = "baseTimestamp=" + earliest + " is further behind the broker than allowed";
    }
    if (problem != null) {
      throw new SluiceException(
          Errors.INVALID_TIMESTAMP,
          topicPartition
              + ": "
              + problem
              + "; timestamps must lie within [now - message.timestamp.before.max.ms="
              + config.timestampBeforeMaxMs()
              + ", now + message.timestamp.after.max.ms="
              + config.timestampAfterMaxMs()
              + "], now="
              + now);
    }
  }
}
