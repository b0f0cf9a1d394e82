package io.sluice.broker.quota;

/**
 * The quotas this broker enforces, by their configuration key (Kafka's names). Both are byte rates
 * in bytes per second over the quota window, whole numbers as Kafka requires.
 */
public enum QuotaType {
  /** Request bytes of Produce. */
  PRODUCE("producer_byte_rate"),
  /** Response bytes of Fetch from consumers (followers are never throttled by client quotas). */
  FETCH("consumer_byte_rate");

  private final String key;

  QuotaType(String key) {
    this.key = key;
  }

  /** The configuration key ({@code producer_byte_rate}, {@code consumer_byte_rate}). */
  public String key() {
    return key;
  }

  /** The type of a configuration key, or null if this broker does not enforce it. */
  public static QuotaType forKey(String key) {
    for (QuotaType type : values()) {
      if (type.key.equals(key)) {
        return type;
      }
    }
    return null;
  }
}
