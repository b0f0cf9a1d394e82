package io.sluice.protocol.record;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * zstd frames from zstd-jni, as Kafka writes them: the finalizer-free streams (closed explicitly)
 * over the library's recycling buffer pool, 16 KiB of buffered input in front of the compressor.
 * Referenced only when zstd is used, so that zstd-jni is loaded only then. Stateless.
 */
final class ZstdCodec {
  private ZstdCodec() {}

  static OutputStream output(OutputStream out, int level) throws IOException {
    return new BufferedOutputStream(
        new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE, level), 16 * 1024);
  }

  static InputStream input(InputStream in) throws IOException {
    return new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
  }
}
