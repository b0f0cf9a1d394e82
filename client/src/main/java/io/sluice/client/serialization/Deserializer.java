package io.sluice.client.serialization;

/**
 * Turns a record's key or value bytes back into an object, as Kafka's {@code Deserializer} does.
 * Set it with {@code key.deserializer} / {@code value.deserializer} or hand an instance to the
 * {@code Consumer} constructor. Called on the thread that polls.
 *
 * @param <T> the type produced
 */
@FunctionalInterface
public interface Deserializer<T> extends AutoCloseable {
  /**
   * @param data the bytes (owned by the caller from now on), or null when the record has none
   */
  T deserialize(String topic, byte[] data);

  /** Called once when the consumer closes. */
  @Override
  default void close() {}
}
