package io.sluice.broker.quota;

import java.util.Map;

/**
 * Kafka's validation of the quota APIs' entities and values, with its messages (every failure is
 * {@code INVALID_REQUEST}). Stateless.
 */
public final class QuotaRequests {
  /** Keys Kafka accepts for users and client ids that this broker does not enforce. */
  private static final java.util.Set<String> NOT_ENFORCED =
      java.util.Set.of("request_percentage", "controller_mutation_rate");

  private static final String IP = "ip";

  private QuotaRequests() {}

  /** Why a (type, name) list is not a quota entity this broker keeps, or null if it is one. */
  public static String entityProblem(Iterable<Map.Entry<String, String>> components) {
    boolean user = false;
    boolean clientId = false;
    boolean any = false;
    for (Map.Entry<String, String> component : components) {
      any = true;
      String type = component.getKey();
      String name = component.getValue();
      boolean duplicate;
      if (QuotaEntity.USER.equals(type)) {
        duplicate = user;
        user = true;
      } else if (QuotaEntity.CLIENT_ID.equals(type)) {
        duplicate = clientId;
        clientId = true;
      } else if (IP.equals(type)) {
        return "IP quotas (connection_creation_rate) are not supported by this broker";
      } else {
        return "Unhandled client quota entity type: " + type;
      }
      if (duplicate) {
        return "Invalid client quota entity, duplicate entity entry " + type;
      }
      if (name != null && name.isEmpty()) {
        return "Empty " + type + " not supported";
      }
    }
    return any ? null : "Invalid empty client quota entity";
  }

  /**
   * Why a quota may not be set to {@code value} (null: removed), or null if it may: a key this
   * broker enforces, a value above 0 and a whole number (both are Kafka LONG keys).
   */
  public static String valueProblem(String key, Double value) {
    QuotaType type = QuotaType.forKey(key);
    if (type == null) {
      return NOT_ENFORCED.contains(key)
          ? "Quota "
              + key
              + " is not supported by this broker (only producer_byte_rate and"
              + " consumer_byte_rate are)"
          : "Invalid configuration key " + key;
    }
    if (value == null) {
      return null;
    }
    if (value.isNaN() || value <= 0) {
      return "Quota " + key + " must be greater than 0";
    }
    double epsilon = 1e-6;
    long whole = (long) (value + epsilon);
    if (value.isInfinite() || Math.abs(whole - value) > epsilon) {
      return "Configuration " + key + " must be a Long value";
    }
    return null;
  }
}
