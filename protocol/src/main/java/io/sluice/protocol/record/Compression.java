package io.sluice.protocol.record;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A codec and its level: how the records section of a batch is compressed, as Kafka's clients do it
 * (same libraries, same stream formats, same levels and defaults), so that either side reads the
 * other's batches.
 *
 * <table>
 *   <caption>Codecs</caption>
 *   <tr><th>type</th><th>format</th><th>levels (default)</th><th>library</th></tr>
 *   <tr><td>gzip</td><td>gzip (RFC 1952)</td><td>1..9 or -1 (-1, zlib's 6)</td><td>the JDK</td></tr>
 *   <tr><td>snappy</td><td>xerial's framed stream ({@code SnappyOutputStream})</td><td>none</td>
 *       <td>org.xerial.snappy:snappy-java</td></tr>
 *   <tr><td>lz4</td><td>LZ4 frame, 64 KiB independent blocks, no checksums but the descriptor's
 *       ({@link Lz4FrameOutputStream})</td><td>1..17 (9, the fast compressor)</td>
 *       <td>at.yawk.lz4:lz4-java</td></tr>
 *   <tr><td>zstd</td><td>zstd frame</td><td>-131072..22 (3)</td><td>com.github.luben:zstd-jni</td></tr>
 * </table>
 *
 * <p>Each library is touched only when its codec is used: an application that excludes, say,
 * zstd-jni works until it meets a zstd batch, which then fails with {@code
 * UNSUPPORTED_COMPRESSION_TYPE} naming the missing artifact.
 *
 * <p>Immutable and thread-safe; the streams it returns are not thread-safe.
 */
public final class Compression {
  public static final int GZIP_MIN_LEVEL = 1;
  public static final int GZIP_MAX_LEVEL = 9;
  public static final int GZIP_DEFAULT_LEVEL = -1;
  public static final int LZ4_MIN_LEVEL = 1;
  public static final int LZ4_MAX_LEVEL = 17;
  public static final int LZ4_DEFAULT_LEVEL = 9;
  public static final int ZSTD_MIN_LEVEL = -131072;
  public static final int ZSTD_MAX_LEVEL = 22;
  public static final int ZSTD_DEFAULT_LEVEL = 3;

  private static final Compression NONE = new Compression(CompressionType.NONE, 0);

  private final CompressionType type;
  private final int level;

  private Compression(CompressionType type, int level) {
    this.type = type;
    this.level = level;
  }

  /** No compression. */
  public static Compression none() {
    return NONE;
  }

  /** {@code type} at its default level. */
  public static Compression of(CompressionType type) {
    return of(type, defaultLevel(type));
  }

  /**
   * {@code type} at {@code level}.
   *
   * @throws IllegalArgumentException if the codec has no such level (snappy and none have only 0)
   */
  public static Compression of(CompressionType type, int level) {
    Objects.requireNonNull(type, "type");
    boolean valid =
        switch (type) {
          case NONE, SNAPPY -> level == 0;
          case GZIP ->
              level == GZIP_DEFAULT_LEVEL || (level >= GZIP_MIN_LEVEL && level <= GZIP_MAX_LEVEL);
          case LZ4 -> level >= LZ4_MIN_LEVEL && level <= LZ4_MAX_LEVEL;
          case ZSTD -> level >= ZSTD_MIN_LEVEL && level <= ZSTD_MAX_LEVEL;
        };
    if (!valid) {
      throw new IllegalArgumentException(type.label() + " has no compression level " + level);
    }
    return type == CompressionType.NONE ? NONE : new Compression(type, level);
  }

  /** Kafka's default level of {@code type} (0 for none and snappy, which have no levels). */
  public static int defaultLevel(CompressionType type) {
    return switch (type) {
      case NONE, SNAPPY -> 0;
      case GZIP -> GZIP_DEFAULT_LEVEL;
      case LZ4 -> LZ4_DEFAULT_LEVEL;
      case ZSTD -> ZSTD_DEFAULT_LEVEL;
    };
  }

  public CompressionType type() {
    return type;
  }

  public int level() {
    return level;
  }

  /**
   * A stream that compresses what is written to it into {@code out}; closing it finishes the
   * compressed stream and closes {@code out}.
   *
   * @throws SluiceException ({@code UNSUPPORTED_COMPRESSION_TYPE}) if the codec's library is
   *     missing or cannot load its native code
   */
  public OutputStream wrapForOutput(OutputStream out) throws IOException {
    try {
      return switch (type) {
        case NONE -> out;
        case GZIP -> GzipCodec.output(out, level);
        case SNAPPY -> SnappyCodec.output(out);
        case LZ4 -> new Lz4FrameOutputStream(out, level);
        case ZSTD -> ZstdCodec.output(out, level);
      };
    } catch (LinkageError e) {
      throw missingLibrary(type, e);
    }
  }

  /**
   * A stream of the decompressed bytes of {@code compressed} (its remaining bytes; its position is
   * not moved). A damaged input fails with an {@link IOException} from the stream.
   *
   * @throws SluiceException ({@code UNSUPPORTED_COMPRESSION_TYPE}) if the codec's library is
   *     missing or cannot load its native code
   */
  public InputStream wrapForInput(ByteBuffer compressed) throws IOException {
    InputStream in = new ByteBufferInputStream(compressed);
    try {
      return switch (type) {
        case NONE -> in;
        case GZIP -> GzipCodec.input(in);
        case SNAPPY -> SnappyCodec.input(in);
        case LZ4 -> new Lz4FrameInputStream(compressed);
        case ZSTD -> ZstdCodec.input(in);
      };
    } catch (LinkageError e) {
      throw missingLibrary(type, e);
    }
  }

  /** The error for a codec whose library is absent or whose native code does not load. */
  static SluiceException missingLibrary(CompressionType type, Throwable cause) {
    String artifact =
        switch (type) {
          case SNAPPY -> "org.xerial.snappy:snappy-java";
          case LZ4 -> "at.yawk.lz4:lz4-java";
          case ZSTD -> "com.github.luben:zstd-jni";
          default -> "the JDK";
        };
    return new SluiceException(
        Errors.UNSUPPORTED_COMPRESSION_TYPE,
        type.label()
            + " needs "
            + artifact
            + " on the class path, with native code for this platform: "
            + cause,
        cause);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compression c && c.type == type && c.level == level;
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + level;
  }

  @Override
  public String toString() {
    return type == CompressionType.NONE || type == CompressionType.SNAPPY
        ? type.label()
        : type.label() + "(level " + level + ")";
  }
}
