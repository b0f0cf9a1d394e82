package io.sluice.client;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a config builder has been given, over one table of {@link ConfigKey}s: typed setters
 * and Kafka-style {@code key=value} properties land in the same place, and {@link #isSet} tells an
 * explicit value from a default (Kafka's producer, for one, derives {@code enable.idempotence} from
 * whether the user set it). Not thread-safe, as a builder is not.
 */
final class ConfigValues {
  private final String kind;
  private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
  private final Map<ConfigKey<?>, Object> values = new HashMap<>();

  /**
   * @param kind "producer" or "consumer", for the message about an unknown key
   */
  ConfigValues(String kind, List<ConfigKey<?>> table) {
    this.kind = kind;
    for (ConfigKey<?> key : table) {
      keys.put(key.name(), key);
    }
  }

  <T> void set(ConfigKey<T> key, T value) {
    values.put(key, value);
  }

  /**
   * Applies settings by their Kafka key names. A value may be text (parsed as the key's type), a
   * {@code Class} (its name, as Kafka accepts for serializer classes), a list (joined with commas)
   * or anything else (its {@code toString}). An unknown key or a malformed value fails naming it.
   */
  void setAll(Map<String, ?> properties) {
    properties.forEach(
        (name, value) -> {
          ConfigKey<?> key = keys.get(name);
          if (key == null) {
            throw new IllegalArgumentException("unknown " + kind + " setting " + name);
          }
          values.put(key, key.parse(text(value)));
        });
  }

  private static String text(Object value) {
    if (value instanceof Class<?> type) {
      return type.getName();
    }
    if (value instanceof List<?> list) {
      StringBuilder joined = new StringBuilder();
      for (Object part : list) {
        joined.append(joined.length() == 0 ? "" : ",").append(part);
      }
      return joined.toString();
    }
    return value == null ? null : value.toString();
  }

  @SuppressWarnings("unchecked") // values.put only ever stores a T under a ConfigKey<T>
  <T> T get(ConfigKey<T> key) {
    return values.containsKey(key) ? (T) values.get(key) : key.defaultValue();
  }

  boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key);
  }
}
