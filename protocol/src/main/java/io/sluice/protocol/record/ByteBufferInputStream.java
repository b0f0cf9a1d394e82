package io.sluice.protocol.record;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The remaining bytes of a buffer as a stream, read through a private duplicate (the caller's
 * position never moves). Not thread-safe.
 */
final class ByteBufferInputStream extends InputStream {
  private final ByteBuffer buf;

  ByteBufferInputStream(ByteBuffer buf) {
    this.buf = buf.duplicate();
  }

  @Override
  public int read() {
    return buf.hasRemaining() ? buf.get() & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (!buf.hasRemaining()) {
      return -1;
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) {
    int skipped = (int) Math.max(0, Math.min(n, buf.remaining()));
    buf.position(buf.position() + skipped);
    return skipped;
  }

  @Override
  public int available() {
    return buf.remaining();
  }
}
