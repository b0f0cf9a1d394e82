package io.sluice.broker.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Record batches for storage tests, built by kafka-clients so that the bytes are exactly what a
 * Kafka producer sends (and so that our reading of them is checked against Kafka's writing).
 */
final class TestBatches {
  private TestBatches() {}

  /** One batch of {@code records} records with values "{tag}-{i}" and the given timestamp. */
  static ByteBuffer batch(String tag, int records, long timestamp) {
    return MemoryRecords.withRecords(Compression.NONE, records(tag, records, timestamp, 0))
        .buffer();
  }

  /** One batch whose values are padded to make the batch roughly {@code bytes} long. */
  static ByteBuffer sized(String tag, int bytes, long timestamp) {
    int valueSize = Math.max(1, bytes - 61 - 20);
    byte[] value = new byte[valueSize];
    byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < value.length; i++) {
      value[i] = tagBytes[i % tagBytes.length];
    }
    return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestamp, value)).buffer();
  }

  static ByteBuffer idempotent(long producerId, short epoch, int sequence, int records) {
    return MemoryRecords.withIdempotentRecords(
            Compression.NONE,
            producerId,
            epoch,
            sequence,
            records("p" + producerId + "-s" + sequence, records, 1_000, 0))
        .buffer();
  }

  static ByteBuffer concat(ByteBuffer... parts) {
    int total = 0;
    for (ByteBuffer p : parts) {
      total += p.remaining();
    }
    ByteBuffer all = ByteBuffer.allocate(total);
    for (ByteBuffer p : parts) {
      all.put(p.duplicate());
    }
    return all.flip();
  }

  private static SimpleRecord[] records(String tag, int n, long timestamp, int from) {
    SimpleRecord[] records = new SimpleRecord[n];
    for (int i = 0; i < n; i++) {
      records[i] =
          new SimpleRecord(
              timestamp,
              ("k" + (from + i)).getBytes(StandardCharsets.UTF_8),
              (tag + "-" + (from + i)).getBytes(StandardCharsets.UTF_8));
    }
    return records;
  }

  /** The bytes of a buffer's remaining range, as an array. */
  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  /**
   * A copy of {@code batch} as the log stores it: baseOffset set, and the partition leader epoch
   * overwritten with the single node's 0 (kafka-clients writes -1).
   */
  static byte[] withBaseOffset(ByteBuffer batch, long baseOffset) {
    byte[] out = bytes(batch);
    ByteBuffer.wrap(out).putLong(0, baseOffset).putInt(12, 0);
    return out;
  }

  /** A copy of {@code batch} whose partitionLeaderEpoch (outside the CRC) is {@code epoch}. */
  static ByteBuffer withLeaderEpoch(ByteBuffer batch, int epoch) {
    ByteBuffer copy = ByteBuffer.wrap(bytes(batch));
    copy.putInt(12, epoch);
    return copy;
  }
}
