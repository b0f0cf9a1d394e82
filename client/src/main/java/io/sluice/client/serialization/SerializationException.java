package io.sluice.client.serialization;

/**
 * A key or value could not be (de)serialized. {@code send} throws it at once (the record is not
 * sent); {@code poll} throws it for the record that failed, as Kafka's consumer does.
 */
public class SerializationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SerializationException(String message) {
    super(message);
  }

  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
