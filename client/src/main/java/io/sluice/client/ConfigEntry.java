package io.sluice.client;

/**
 * One configuration key of a topic as the broker describes it.
 *
 * @param source where the value comes from, Kafka's names: {@code TOPIC_CONFIG} (an override of
 *     this topic), {@code STATIC_BROKER_CONFIG} (the broker's configuration) or {@code
 *     DEFAULT_CONFIG}
 */
public record ConfigEntry(String name, String value, String source) {
  /** Whether the value is an override of this topic. */
  public boolean isOverride() {
    return "TOPIC_CONFIG".equals(source);
  }
}
