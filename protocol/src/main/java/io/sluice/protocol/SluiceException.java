package io.sluice.protocol;

/**
 * A failure that carries the Kafka error code it is reported with: an unknown topic, an offset out
 * of range, a corrupt batch. Storage, handlers and the client throw it (or a subtype) so that one
 * mapping, {@link Errors#forException}, turns any failure into a code.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Errors error;

  public SluiceException(Errors error, String message) {
    super(message);
    this.error = error;
  }

  public SluiceException(Errors error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  public Errors error() {
    return error;
  }
}
