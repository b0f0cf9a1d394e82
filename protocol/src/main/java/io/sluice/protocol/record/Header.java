package io.sluice.protocol.record;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One record header: a non-null UTF-8 key and a value that may be null. When read from a batch the
 * value is a slice of the batch's buffer (no copy) and must not be written to.
 */
public record Header(String key, ByteBuffer value) {
  public Header {
    Objects.requireNonNull(key, "header key");
  }

  /** A header over a byte array (wrapped, not copied); {@code value} may be null. */
  public static Header of(String key, byte[] value) {
    return new Header(key, value == null ? null : ByteBuffer.wrap(value));
  }
}
