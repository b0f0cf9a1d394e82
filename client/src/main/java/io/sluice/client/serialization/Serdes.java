package io.sluice.client.serialization;

import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Instantiates the serializer and deserializer classes named in configuration. Kafka's own class
 * names for the built-in ones ({@code org.apache.kafka.common.serialization.StringSerializer} and
 * so on) are accepted too, so properties written for Kafka's clients work unchanged. Not API for
 * applications: the client's configuration calls it.
 */
public final class Serdes {
  private static final String KAFKA = "org.apache.kafka.common.serialization.";
  private static final Map<String, Class<?>> KAFKA_NAMES =
      Map.of(
          KAFKA + "ByteArraySerializer", ByteArraySerializer.class,
          KAFKA + "ByteArrayDeserializer", ByteArrayDeserializer.class,
          KAFKA + "StringSerializer", StringSerializer.class,
          KAFKA + "StringDeserializer", StringDeserializer.class,
          KAFKA + "LongSerializer", LongSerializer.class,
          KAFKA + "LongDeserializer", LongDeserializer.class);

  private Serdes() {}

  /**
   * A new instance of the class {@code className}, which must implement {@code type} and have a
   * public no-argument constructor; anything else fails naming {@code key} and the value.
   */
  public static <T> T instantiate(String key, String className, Class<T> type) {
    String name = className == null ? "" : className.trim();
    Class<?> found = KAFKA_NAMES.get(name);
    try {
      if (found == null) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        found = Class.forName(name, true, loader != null ? loader : Serdes.class.getClassLoader());
      }
      if (!type.isAssignableFrom(found)) {
        throw invalid(key, className, "does not implement " + type.getName(), null);
      }
      return type.cast(found.getConstructor().newInstance());
    } catch (ClassNotFoundException e) {
      throw invalid(key, className, "class not found", e);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw invalid(key, className, "needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw invalid(key, className, "its constructor failed: " + e.getCause(), e.getCause());
    }
  }

  /** Kafka-style {@code Properties} as the settings map the config builders take. */
  public static Map<String, Object> toMap(Properties properties) {
    Map<String, Object> map = new HashMap<>();
    properties.forEach((key, value) -> map.put(String.valueOf(key), value));
    return map;
  }

  private static IllegalArgumentException invalid(
      String key, String value, String reason, Throwable cause) {
    return new IllegalArgumentException(
        "invalid value " + key + "=" + value + ": " + reason, cause);
  }
}
