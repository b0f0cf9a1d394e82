package io.sluice.client;

/** Validation of configuration values: every failure names the key and the rejected value. */
final class ConfigChecks {
  private ConfigChecks() {}

  static void require(boolean condition, String key, Object value) {
    if (!condition) {
      throw new IllegalArgumentException("invalid value " + key + "=" + value);
    }
  }

  static void require(boolean condition, String key, Object value, String reason) {
    if (!condition) {
      throw new IllegalArgumentException("invalid value " + key + "=" + value + ": " + reason);
    }
  }

  static int parseInt(String key, String value) {
    require(value != null, key, null, "not an integer");
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid value " + key + "=" + value + ": not an integer");
    }
  }

  static long parseLong(String key, String value) {
    require(value != null, key, null, "not an integer");
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid value " + key + "=" + value + ": not an integer");
    }
  }

  static boolean parseBoolean(String key, String value) {
    return switch (value == null ? "" : value.trim()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "invalid value " + key + "=" + value + ": not true or false");
    };
  }
}
