package io.sluice.client;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One client setting as Kafka names it: the key, its default, and how its text form (a {@code
 * properties} value) parses. {@link ProducerConfig} and {@link ConsumerConfig} each list their keys
 * in one table; their builders hold the values in a {@link ConfigValues} over that table.
 * Immutable.
 *
 * @param <T> the value's type
 */
final class ConfigKey<T> {
  /** Keys the producer and the consumer share, with the same default. */
  static final ConfigKey<String> BOOTSTRAP_SERVERS = text("bootstrap.servers", "127.0.0.1:9092");

  static final ConfigKey<Long> REQUEST_TIMEOUT_MS = longKey("request.timeout.ms", 30_000);
  static final ConfigKey<Long> RETRY_BACKOFF_MS = longKey("retry.backoff.ms", 100);

  /** Kafka's {@code security.protocol} and {@code ssl.*} keys ({@link SecurityConfig}). */
  static final List<ConfigKey<String>> SECURITY = securityKeys();

  private static List<ConfigKey<String>> securityKeys() {
    List<ConfigKey<String>> keys = new java.util.ArrayList<>();
    new java.util.TreeMap<>(SecurityConfig.KEYS)
        .forEach((name, value) -> keys.add(text(name, value)));
    return List.copyOf(keys);
  }

  /** {@code table} and the security keys. */
  static List<ConfigKey<?>> withSecurity(List<ConfigKey<?>> table) {
    List<ConfigKey<?>> all = new java.util.ArrayList<>(table);
    all.addAll(SECURITY);
    return List.copyOf(all);
  }

  /** The security settings among {@code values}. */
  static SecurityConfig security(ConfigValues values) {
    Map<String, String> settings = new java.util.HashMap<>();
    for (ConfigKey<String> key : SECURITY) {
      settings.put(key.name(), values.get(key));
    }
    return SecurityConfig.from(settings);
  }

  private final String name;
  private final T defaultValue;
  private final Function<String, T> parser;

  private ConfigKey(String name, T defaultValue, Function<String, T> parser) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.parser = parser;
  }

  static ConfigKey<String> text(String name, String defaultValue) {
    return new ConfigKey<>(name, defaultValue, value -> value);
  }

  static ConfigKey<Integer> intKey(String name, int defaultValue) {
    return new ConfigKey<>(name, defaultValue, value -> ConfigChecks.parseInt(name, value));
  }

  static ConfigKey<Long> longKey(String name, long defaultValue) {
    return new ConfigKey<>(name, defaultValue, value -> ConfigChecks.parseLong(name, value));
  }

  static ConfigKey<Boolean> bool(String name, boolean defaultValue) {
    return new ConfigKey<>(name, defaultValue, value -> ConfigChecks.parseBoolean(name, value));
  }

  /** A comma-separated list (Kafka's LIST type); blanks dropped, parts trimmed. */
  static ConfigKey<List<String>> list(String name, List<String> defaultValue) {
    return new ConfigKey<>(name, defaultValue, GroupConfigChecks::parseList);
  }

  static <T> ConfigKey<T> custom(String name, T defaultValue, Function<String, T> parser) {
    return new ConfigKey<>(name, defaultValue, parser);
  }

  String name() {
    return name;
  }

  T defaultValue() {
    return defaultValue;
  }

  /** The value of a text setting; a malformed one fails naming the key and value. */
  T parse(String value) {
    return parser.apply(value);
  }

  @Override
  public String toString() {
    return name;
  }
}
