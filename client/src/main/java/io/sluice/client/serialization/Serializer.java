package io.sluice.client.serialization;

/**
 * Turns a producer's key or value into bytes, as Kafka's {@code Serializer} does. Set it with
 * {@code key.serializer} / {@code value.serializer} (a class with a public no-argument constructor)
 * or hand an instance to the {@code Producer} constructor. Implementations used by a producer that
 * several threads share must be thread-safe.
 *
 * @param <T> the type serialized
 */
@FunctionalInterface
public interface Serializer<T> extends AutoCloseable {
  /**
   * @return the bytes, or null for a null key or value (Kafka's null, not an empty array)
   */
  byte[] serialize(String topic, T data);

  /** Called once when the producer closes. */
  @Override
  default void close() {}
}
