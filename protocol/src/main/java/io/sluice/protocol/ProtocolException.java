package io.sluice.protocol;

/**
 * Bytes that do not form a valid Kafka message: a length or count past the end of the frame, a
 * negative size where none is allowed, an unknown version, a malformed varint. Every decoder in
 * this module fails with this type (or a subtype), never with an index or allocation error, so that
 * the server can answer with an error code or close the connection and keep serving others.
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Errors error;

  public ProtocolException(String message) {
    this(Errors.CORRUPT_MESSAGE, message);
  }

  public ProtocolException(Errors error, String message) {
    super(message);
    this.error = error;
  }

  /** The Kafka error code that best describes this failure on the wire. */
  public Errors error() {
    return error;
  }
}
