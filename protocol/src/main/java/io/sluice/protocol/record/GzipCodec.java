package io.sluice.protocol.record;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip from the JDK, with Kafka's buffer sizes: 8 KiB of deflater output, 16 KiB of buffered input
 * in front of it (small writes would otherwise each reach the deflater). Stateless.
 */
final class GzipCodec {
  private GzipCodec() {}

  static OutputStream output(OutputStream out, int level) throws IOException {
    return new BufferedOutputStream(new LeveledGzipOutputStream(out, level), 16 * 1024);
  }

  static InputStream input(InputStream in) throws IOException {
    return new GZIPInputStream(in, 8 * 1024);
  }

  /** {@link GZIPOutputStream} has no level parameter; its deflater takes one. */
  private static final class LeveledGzipOutputStream extends GZIPOutputStream {
    LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
      super(out, 8 * 1024);
      def.setLevel(level);
    }
  }
}
