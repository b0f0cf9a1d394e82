package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.RecordBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetch answers for unit tests: a pooled direct buffer standing in for a response frame (a few
 * bytes before and after the records, as the frame's other fields would be), holding batches built
 * by {@link BatchCodec#encode} with the base offsets the broker would assign. Record {@code i} has
 * key {@code "k" + i}, timestamp {@code 100 + i} and, unless {@code i % 3 == 0}, value {@code "v" +
 * i} (see {@link BatchCodecTest#records}).
 */
final class FetchFixtures {
  static final TopicPartition TP = new TopicPartition("t", 0);
  static final int BEFORE = 8;
  static final int AFTER = 4;

  private FetchFixtures() {}

  /** A frame whose records are batches of {@code sizes[i]} records, starting at {@code base}. */
  static ByteBuf frame(long base, int... sizes) {
    return frame(Compression.none(), base, sizes);
  }

  /** {@link #frame(long, int...)} with every batch compressed by {@code compression}. */
  static ByteBuf frame(Compression compression, long base, int... sizes) {
    List<ByteBuf> batches = new ArrayList<>();
    int bytes = 0;
    long offset = base;
    for (int size : sizes) {
      ByteBuf batch =
          BatchCodecTest.encode(
              BatchCodecTest.records((int) offset, size), 7L, (short) 1, (int) offset, compression);
      batch.setLong(RecordBatch.BASE_OFFSET_OFFSET, offset); // what the broker patches in
      offset += size;
      bytes += batch.readableBytes();
      batches.add(batch);
    }
    ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(BEFORE + bytes + AFTER);
    frame.writeZero(BEFORE);
    for (ByteBuf batch : batches) {
      frame.writeBytes(batch);
      batch.release();
    }
    frame.writeZero(AFTER);
    return frame;
  }

  /** The records field of {@code frame}: a plain slice, as the response parser hands it over. */
  static ByteBuf records(ByteBuf frame) {
    return frame.slice(BEFORE, frame.readableBytes() - BEFORE - AFTER);
  }

  /**
   * The I/O thread's work on {@code frame}, then the frame's release as after the parser returned:
   * the fetch holds the only reference.
   */
  static CompletedFetch receive(ByteBuf frame, long fetchOffset) {
    CompletedFetch fetch = CompletedFetch.receive(TP, records(frame), fetchOffset, true, 1 << 20);
    frame.release();
    return fetch;
  }
}
