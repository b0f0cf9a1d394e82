package io.sluice.protocol.record;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;

/**
 * A record batch that must not be stored or served. The error says which kind:
 *
 * <ul>
 *   <li>{@link Errors#CORRUPT_MESSAGE}: the bytes are damaged or cut short (CRC mismatch, a length
 *       past the end of the buffer, an unknown magic). Recovery truncates the log here.
 *   <li>{@link Errors#INVALID_RECORD}: the bytes are intact (the CRC matches) but do not form a
 *       valid batch (a record count that disagrees with the records, an offset delta out of order,
 *       a record whose fields overrun its length). A buggy producer, not a bad disk.
 * </ul>
 *
 * <p>Messages name the values and the position of the batch, for example {@code crc=123
 * computed=456 at position=0}.
 */
public class InvalidRecordException extends SluiceException {
  private static final long serialVersionUID = 1L;

  public InvalidRecordException(Errors error, String message) {
    super(error, message);
  }

  public InvalidRecordException(Errors error, String message, Throwable cause) {
    super(error, message, cause);
  }

  static InvalidRecordException corrupt(String message) {
    return new InvalidRecordException(Errors.CORRUPT_MESSAGE, message);
  }

  static InvalidRecordException invalid(String message) {
    return new InvalidRecordException(Errors.INVALID_RECORD, message);
  }
}
