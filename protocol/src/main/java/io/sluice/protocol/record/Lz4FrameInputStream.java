package io.sluice.protocol.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads one LZ4 frame (see {@link Lz4FrameOutputStream} for the layout) from a buffer: what Kafka's
 * clients accept for v2 batches. Version 01 and independent blocks only (Kafka writes nothing
 * else); block sizes 64 KiB to 4 MiB; the optional content size is skipped; the header checksum,
 * and the block and content checksums when the flags announce them, are verified. Every length is
 * checked against the bytes left and the block maximum before it is used, so damaged input fails
 * with an {@link IOException} naming what was wrong, never with an allocation it asked for.
 *
 * <p>Not thread-safe.
 */
final class Lz4FrameInputStream extends InputStream {
  private static final LZ4SafeDecompressor DECOMPRESSOR =
      LZ4Factory.fastestInstance().safeDecompressor();
  private static final XXHash32 HASH = XXHashFactory.fastestInstance().hash32();

  private final ByteBuffer in;
  private final boolean blockChecksums;
  private final StreamingXXHash32 contentHash;
  private final int maxBlockSize;
  private ByteBuffer block = ByteBuffer.allocate(0);
  private byte[] decompressed;
  private boolean finished;

  Lz4FrameInputStream(ByteBuffer compressed) throws IOException {
    this.in = compressed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    require(7, "frame header");
    int magic = in.getInt();
    if (magic != Lz4FrameOutputStream.MAGIC) {
      throw new IOException(
          "lz4 frame magic=0x" + Integer.toHexString(magic) + " expected=0x184d2204");
    }
    int descriptorStart = in.position();
    int flg = in.get() & 0xFF;
    int bd = in.get() & 0xFF;
    if ((flg >>> 6) != 1 || (flg & 0x03) != 0 || (bd & 0x8F) != 0) {
      throw new IOException(
          "lz4 frame descriptor FLG=0x"
              + Integer.toHexString(flg)
              + " BD=0x"
              + Integer.toHexString(bd)
              + ": not version 01, or reserved bits set");
    }
    if ((flg & 0x20) == 0) {
      throw new IOException("lz4 frame with dependent blocks is not supported");
    }
    int blockSizeId = (bd >>> 4) & 0x07;
    if (blockSizeId < 4) {
      throw new IOException("lz4 block size id=" + blockSizeId + ", expected 4..7");
    }
    this.maxBlockSize = 1 << (2 * blockSizeId + 8);
    this.blockChecksums = (flg & 0x10) != 0;
    boolean contentSize = (flg & 0x08) != 0;
    this.contentHash =
        (flg & 0x04) != 0 ? XXHashFactory.fastestInstance().newStreamingHash32(0) : null;
    if (contentSize) {
      require(9, "content size");
      in.position(in.position() + 8);
    }
    int descriptorLength = in.position() - descriptorStart;
    int hash = HASH.hash(in, descriptorStart, descriptorLength, 0);
    byte expected = (byte) ((hash >> 8) & 0xFF);
    byte stored = in.get();
    if (stored != expected) {
      throw new IOException(
          "lz4 frame descriptor checksum=" + (stored & 0xFF) + " computed=" + (expected & 0xFF));
    }
  }

  private void require(int bytes, String what) throws IOException {
    if (in.remaining() < bytes) {
      throw new IOException(
          "lz4 frame ends early: "
              + what
              + " needs "
              + bytes
              + " bytes, "
              + in.remaining()
              + " left");
    }
  }

  /** Reads the next block into {@link #block}; sets {@link #finished} at the end mark. */
  private void nextBlock() throws IOException {
    require(4, "block size");
    int word = in.getInt();
    boolean stored = (word & Lz4FrameOutputStream.UNCOMPRESSED_BIT) != 0;
    int size = word & ~Lz4FrameOutputStream.UNCOMPRESSED_BIT;
    if (size == 0) {
      finished = true;
      if (contentHash != null) {
        require(4, "content checksum");
        int storedHash = in.getInt();
        if (storedHash != contentHash.getValue()) {
          throw new IOException("lz4 content checksum mismatch");
        }
      }
      return;
    }
    if (size > maxBlockSize) {
      throw new IOException("lz4 block size=" + size + " exceeds the frame's " + maxBlockSize);
    }
    require(size + (blockChecksums ? 4 : 0), "block");
    int start = in.position();
    if (blockChecksums) {
      int computed = HASH.hash(in, start, size, 0);
      if (computed != in.getInt(start + size)) {
        throw new IOException("lz4 block checksum mismatch");
      }
    }
    if (stored) {
      block = in.slice(start, size);
    } else {
      if (decompressed == null) {
        decompressed = new byte[maxBlockSize];
      }
      try {
        int length =
            DECOMPRESSOR.decompress(
                in, start, size, ByteBuffer.wrap(decompressed), 0, maxBlockSize);
        block = ByteBuffer.wrap(decompressed, 0, length);
      } catch (LZ4Exception e) {
        throw new IOException("lz4 block does not decompress: " + e.getMessage(), e);
      }
    }
    if (contentHash != null) {
      byte[] bytes = new byte[block.remaining()];
      block.duplicate().get(bytes);
      contentHash.update(bytes, 0, bytes.length);
    }
    in.position(start + size + (blockChecksums ? 4 : 0));
  }

  @Override
  public int read() throws IOException {
    while (!block.hasRemaining()) {
      if (finished) {
        return -1;
      }
      nextBlock();
    }
    return block.get() & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!block.hasRemaining()) {
      if (finished) {
        return -1;
      }
      nextBlock();
    }
    int n = Math.min(len, block.remaining());
    block.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return block.remaining();
  }
}
