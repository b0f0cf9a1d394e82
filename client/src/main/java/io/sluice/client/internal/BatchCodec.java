package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Header;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Between the client's records and RecordBatch v2 bytes, over the protocol module's builder and
 * view: one batch per produced partition batch; a fetched record back to the application's copy
 * ({@link CompletedFetch} walks the fetched batches).
 *
 * <p>Stateless and thread-safe.
 */
final class BatchCodec {
  private BatchCodec() {}

  /**
   * Encodes {@code records} as one batch into a direct buffer of {@code allocator}, which the
   * caller releases; producer id -1 means not idempotent.
   *
   * <p>Uncompressed, the records are written straight into the direct buffer. Compressed, they are
   * built in a heap buffer, compressed as a whole ({@link RecordBatchBuilder#compression}), and the
   * compressed batch is copied into a direct buffer of exactly its size.
   *
   * @param sizeHint an upper bound of the records' encoded size (see {@link
   *     PendingRecord#estimateSize}), so that the buffer never needs to grow
   */
  static ByteBuf encode(
      ByteBufAllocator allocator,
      List<PendingRecord> records,
      int sizeHint,
      long producerId,
      short epoch,
      int baseSequence,
      Compression compression) {
    if (compression.type() != CompressionType.NONE) {
      RecordBatchBuilder builder =
          new RecordBatchBuilder(sizeHint + RecordBatch.HEADER_SIZE)
              .producer(producerId, epoch, baseSequence)
              .compression(compression);
      for (PendingRecord r : records) {
        builder.append(r.timestamp(), r.key(), r.value(), toWire(r.headers()));
      }
      ByteBuffer built = builder.build();
      ByteBuf buf = allocator.directBuffer(built.remaining(), built.remaining());
      buf.writeBytes(built);
      return buf;
    }
    int capacity = sizeHint + RecordBatch.HEADER_SIZE;
    ByteBuf buf = allocator.directBuffer(capacity, capacity);
    try {
      RecordBatchBuilder builder =
          new RecordBatchBuilder(buf.nioBuffer(0, capacity))
              .producer(producerId, epoch, baseSequence);
      for (PendingRecord r : records) {
        builder.append(r.timestamp(), r.key(), r.value(), toWire(r.headers()));
      }
      builder.build();
      buf.writerIndex(builder.sizeInBytes());
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  private static io.sluice.protocol.record.Header[] toWire(List<Header> headers) {
    io.sluice.protocol.record.Header[] wire = new io.sluice.protocol.record.Header[headers.size()];
    for (int i = 0; i < wire.length; i++) {
      wire[i] = io.sluice.protocol.record.Header.of(headers.get(i).key(), headers.get(i).value());
    }
    return wire;
  }

  /**
   * The application's copy of record {@code r}: key, value and header values copied into {@code
   * byte[]}, so it outlives the fetched bytes.
   *
   * @param timestampType 0 for CreateTime, 1 for LogAppendTime (the batch's)
   */
  static ConsumerRecord<byte[], byte[]> toConsumerRecord(
      TopicPartition tp, Record r, int timestampType) {
    return new ConsumerRecord<>(
        tp.topic(),
        tp.partition(),
        r.offset(),
        r.timestamp(),
        timestampType,
        copy(r.key()),
        copy(r.value()),
        headers(r));
  }

  private static List<Header> headers(Record r) {
    if (r.headerCount() == 0) {
      return List.of();
    }
    List<Header> headers = new ArrayList<>(r.headerCount());
    for (io.sluice.protocol.record.Header h : r.headers()) {
      headers.add(new Header(h.key(), copy(h.value())));
    }
    return headers;
  }

  private static byte[] copy(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(buffer.position(), bytes);
    return bytes;
  }
}
