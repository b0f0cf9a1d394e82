package io.sluice.protocol.record;

import java.io.IOException;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Writes one LZ4 frame (lz4's frame format 1.6) the way Kafka's producer writes it for v2 batches,
 * so that every Kafka client reads it:
 *
 * <pre>
 * magic       4 bytes  0x184D2204, little-endian
 * FLG         1 byte   0x60: version 01, independent blocks, no block or content checksum,
 *                      no content size
 * BD          1 byte   0x40: blocks of at most 64 KiB
 * HC          1 byte   (xxHash32(FLG BD, seed 0) &gt;&gt; 8) &amp; 0xFF
 * blocks      n x      4-byte little-endian size, then the block; the size's high bit set means
 *                      the block is stored uncompressed (it did not shrink)
 * end mark    4 bytes  0
 * </pre>
 *
 * <p>The header checksum covers FLG and BD only, as the format says. Kafka's magic-0 message sets
 * once computed it over the magic too (a bug kept for those old clients); Sluice writes and reads
 * v2 batches only, where Kafka uses the correct checksum.
 *
 * <p>Level 9, Kafka's default, uses lz4's fast compressor; any other level (1..17) the
 * high-compression one at that level, as Kafka does. Not thread-safe.
 */
final class Lz4FrameOutputStream extends OutputStream {
  static final int MAGIC = 0x184D2204;
  static final int BLOCK_MAX = 64 * 1024;
  static final int UNCOMPRESSED_BIT = 0x80000000;
  static final byte FLG = 0x60;
  static final byte BD = 0x40;

  private final OutputStream out;
  private final LZ4Compressor compressor;
  private final byte[] block = new byte[BLOCK_MAX];
  private final byte[] compressed;
  private int filled;
  private boolean closed;

  Lz4FrameOutputStream(OutputStream out, int level) throws IOException {
    this.out = out;
    LZ4Factory factory = LZ4Factory.fastestInstance();
    this.compressor =
        level == Compression.LZ4_DEFAULT_LEVEL
            ? factory.fastCompressor()
            : factory.highCompressor(level);
    this.compressed = new byte[compressor.maxCompressedLength(BLOCK_MAX)];
    byte[] header = new byte[7];
    writeIntLe(header, 0, MAGIC);
    header[4] = FLG;
    header[5] = BD;
    header[6] = headerChecksum(header, 4, 2);
    out.write(header);
  }

  /** The frame descriptor's checksum byte over {@code length} descriptor bytes. */
  static byte headerChecksum(byte[] bytes, int offset, int length) {
    int hash = XXHashFactory.fastestInstance().hash32().hash(bytes, offset, length, 0);
    return (byte) ((hash >> 8) & 0xFF);
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (filled == BLOCK_MAX) {
      writeBlock();
    }
    block[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    while (len > 0) {
      if (filled == BLOCK_MAX) {
        writeBlock();
      }
      int n = Math.min(len, BLOCK_MAX - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  private void writeBlock() throws IOException {
    if (filled == 0) {
      return;
    }
    int length = compressor.compress(block, 0, filled, compressed, 0, compressed.length);
    byte[] size = new byte[4];
    if (length >= filled) {
      writeIntLe(size, 0, filled | UNCOMPRESSED_BIT);
      out.write(size);
      out.write(block, 0, filled);
    } else {
      writeIntLe(size, 0, length);
      out.write(size);
      out.write(compressed, 0, length);
    }
    filled = 0;
  }

  @Override
  public void flush() throws IOException {
    if (!closed) {
      writeBlock();
    }
    out.flush();
  }

  /** Writes the last block and the end mark, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      writeBlock();
      out.write(new byte[4]);
    } finally {
      closed = true;
      out.close();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("lz4 stream is closed");
    }
  }

  static void writeIntLe(byte[] b, int at, int value) {
    b[at] = (byte) value;
    b[at + 1] = (byte) (value >>> 8);
    b[at + 2] = (byte) (value >>> 16);
    b[at + 3] = (byte) (value >>> 24);
  }
}
