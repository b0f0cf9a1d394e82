package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Header;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.protocol.record.RecordBatchReader;
import io.sluice.protocol.record.TimestampType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Between the client's records and RecordBatch v2 bytes, over the protocol module's builder and
 * view: one batch per produced partition batch; the batches of a fetched partition back to records,
 * each batch's CRC checked, a trailing partial batch left for the next fetch.
 *
 * <p>Stateless and thread-safe.
 */
final class BatchCodec {
  private BatchCodec() {}

  /**
   * Encodes {@code records} as one batch into a direct buffer of {@code allocator}, which the
   * caller releases; producer id -1 means not idempotent.
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
      int baseSequence) {
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

  /** The records of one fetched partition, and where the next fetch of it starts. */
  record Decoded(List<ConsumerRecord> records, long nextOffset, int completeBatches) {}

  /**
   * Decodes the complete batches of {@code bytes}, dropping records below {@code fetchOffset} (a
   * batch may start before the offset asked for) and control batches (transaction markers).
   *
   * @throws SluiceClientException {@code CORRUPT_MESSAGE} naming the partition and offset when a
   *     batch fails its CRC or format check
   */
  static Decoded decode(TopicPartition tp, ByteBuffer bytes, long fetchOffset, boolean checkCrcs) {
    RecordBatchReader reader = new RecordBatchReader(bytes);
    List<ConsumerRecord> records = new ArrayList<>();
    long next = fetchOffset;
    int batches = 0;
    RecordBatch batch;
    while ((batch = nextBatch(reader, tp)) != null) {
      batches++;
      if (checkCrcs) {
        try {
          batch.validate();
        } catch (RuntimeException e) {
          throw new SluiceClientException(
              Errors.CORRUPT_MESSAGE,
              tp,
              "corrupt record batch in "
                  + tp
                  + " at offset "
                  + batch.baseOffset()
                  + ": "
                  + e.getMessage(),
              false,
              e);
        }
      }
      next = Math.max(next, batch.nextOffset());
      if (batch.isControlBatch()) {
        continue;
      }
      if (batch.compressionType() != CompressionType.NONE) {
        throw new SluiceClientException(
            Errors.UNSUPPORTED_COMPRESSION_TYPE,
            tp,
            tp
                + " at offset "
                + batch.baseOffset()
                + " holds a "
                + batch.compressionType()
                + " batch; this client reads uncompressed batches only",
            false,
            null);
      }
      int type = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? 1 : 0;
      for (Record r : batch) {
        if (r.offset() < fetchOffset) {
          continue;
        }
        records.add(
            new ConsumerRecord(
                tp.topic(),
                tp.partition(),
                r.offset(),
                r.timestamp(),
                type,
                copy(r.key()),
                copy(r.value()),
                headers(r)));
      }
    }
    return new Decoded(records, next, batches);
  }

  private static RecordBatch nextBatch(RecordBatchReader reader, TopicPartition tp) {
    try {
      return reader.next();
    } catch (RuntimeException e) {
      throw new SluiceClientException(
          Errors.CORRUPT_MESSAGE,
          tp,
          "corrupt fetch data for " + tp + ": " + e.getMessage(),
          false,
          e);
    }
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
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
