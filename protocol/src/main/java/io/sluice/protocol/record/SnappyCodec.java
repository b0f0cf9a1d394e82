package io.sluice.protocol.record;

import java.io.InputStream;
import java.io.OutputStream;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * snappy in xerial's framed stream format, as Kafka writes it: a 16-byte header (magic {@code 0x82
 * "SNAPPY" 0x00}, version 1, compatible version 1), then chunks of 32 KiB input, each a 4-byte
 * big-endian length and a raw snappy block. Referenced only when snappy is used, so that
 * snappy-java is loaded only then. Stateless.
 */
final class SnappyCodec {
  private SnappyCodec() {}

  static OutputStream output(OutputStream out) {
    return new SnappyOutputStream(out);
  }

  static InputStream input(InputStream in) throws java.io.IOException {
    return new SnappyInputStream(in);
  }
}
