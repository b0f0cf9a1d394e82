package io.sluice.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A record to send. {@code partition} null lets the partitioner choose (by key hash when there is a
 * key, spreading otherwise); {@code timestamp} null means the send time. Key and value may be null;
 * the arrays are not copied until the record is batched, so callers must not change them after
 * {@code send}.
 */
public record ProducerRecord(
    String topic,
    Integer partition,
    Long timestamp,
    byte[] key,
    byte[] value,
    List<Header> headers) {

  public ProducerRecord {
    Objects.requireNonNull(topic, "topic");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition=" + partition + " must be >= 0");
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  public ProducerRecord(String topic, byte[] key, byte[] value) {
    this(topic, null, null, key, value, List.of());
  }

  /** A record whose key and value are UTF-8 strings (either may be null). */
  public static ProducerRecord ofStrings(String topic, String key, String value) {
    return new ProducerRecord(topic, utf8(key), utf8(value));
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
