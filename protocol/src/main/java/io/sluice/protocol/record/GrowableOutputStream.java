package io.sluice.protocol.record;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A heap byte array that grows (doubling) as bytes are written; unlike {@code
 * ByteArrayOutputStream} it hands out its array without a copy and does not synchronise. Not
 * thread-safe.
 */
final class GrowableOutputStream extends OutputStream {
  private byte[] bytes;
  private int size;

  GrowableOutputStream(int initialCapacity) {
    this.bytes = new byte[Math.max(initialCapacity, 64)];
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  /** Makes room for {@code more} bytes after {@link #size()}. */
  void ensure(int more) {
    long needed = (long) size + more;
    if (needed <= bytes.length) {
      return;
    }
    if (needed > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than 2 GiB: " + needed + " bytes");
    }
    bytes =
        Arrays.copyOf(
            bytes, (int) Math.min(Math.max(needed, 2L * bytes.length), Integer.MAX_VALUE - 8));
  }

  /** The backing array: bytes {@code 0 .. size()-1} are the written ones. */
  byte[] array() {
    return bytes;
  }

  int size() {
    return size;
  }

  /** Moves the write position (within the array, after {@link #ensure}). */
  void size(int size) {
    this.size = size;
  }
}
