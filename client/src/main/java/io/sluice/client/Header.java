package io.sluice.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record header: a non-null UTF-8 key and a value that may be null. The value array is not
 * copied; callers must not change it after handing it over.
 */
public record Header(String key, byte[] value) {
  public Header {
    Objects.requireNonNull(key, "header key");
  }

  /** A header whose value is the UTF-8 encoding of {@code value}. */
  public static Header of(String key, String value) {
    return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + (value == null ? "null" : new String(value, StandardCharsets.UTF_8));
  }
}
