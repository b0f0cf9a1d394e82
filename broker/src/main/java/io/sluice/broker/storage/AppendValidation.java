package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.InvalidRecordException;
import io.sluice.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The checks a produced request passes before it reaches the append lock. Stateless. */
final class AppendValidation {
  private AppendValidation() {}

  /**
   * Checks every batch of a request with the protocol module's full validation (magic, CRC32C,
   * codec, counts, and each record of an uncompressed batch), before any lock is taken.
   */
  static List<BatchHeader> validate(
      TopicPartition topicPartition, LogConfig config, ByteBuffer buf, List<Integer> positions) {
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
      positions.add(at);
      headers.add(BatchHeader.of(batch));
      at += batch.sizeInBytes();
    }
    if (headers.isEmpty()) {
      throw new SluiceException(Errors.CORRUPT_MESSAGE, topicPartition + ": no record batch");
    }
    return headers;
  }
}
