package io.sluice.client.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * The fake broker's storage: per partition, a list of batches (copied, base offset assigned), the
 * idempotent producers' appended sequences, and the groups' committed offsets. Thread-safe: every
 * method is synchronized.
 */
final class FakeLog {
  /** A stored batch and the base offset it was given. */
  record Stored(long baseOffset, ByteBuffer bytes) {}

  private final Map<String, List<List<Stored>>> topics = new TreeMap<>();
  private final Map<String, Long> sequences = new HashMap<>();
  private final Map<String, Map<String, Long>> committed = new HashMap<>();

  synchronized boolean exists(String topic) {
    return topics.containsKey(topic);
  }

  synchronized List<String> topicNames() {
    return new ArrayList<>(topics.keySet());
  }

  synchronized int partitions(String topic) {
    List<List<Stored>> t = topics.get(topic);
    return t == null ? 0 : t.size();
  }

  synchronized boolean create(String topic, int partitions) {
    if (topics.containsKey(topic)) {
      return false;
    }
    List<List<Stored>> list = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      list.add(new ArrayList<>());
    }
    topics.put(topic, list);
    return true;
  }

  synchronized boolean delete(String topic) {
    return topics.remove(topic) != null;
  }

  synchronized long endOffset(String topic, int partition) {
    List<Stored> batches = topics.get(topic).get(partition);
    if (batches.isEmpty()) {
      return 0;
    }
    Stored last = batches.get(batches.size() - 1);
    return MemoryRecords.readableRecords(last.bytes().duplicate())
            .batches()
            .iterator()
            .next()
            .lastOffset()
        + 1;
  }

  /**
   * Appends the batches of a produce, returning the base offset of the first. A batch whose
   * producer id and base sequence were appended before is not appended again: its original base
   * offset is returned, as a broker does for a retried idempotent batch.
   */
  synchronized long append(String topic, int partition, ByteBuffer records) {
    long first = -1;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(records).batches()) {
      batch.ensureValid();
      String key = batch.producerId() + "/" + topic + "/" + partition + "/" + batch.baseSequence();
      if (batch.producerId() >= 0 && sequences.containsKey(key)) {
        long original = sequences.get(key);
        first = first < 0 ? original : first;
        continue;
      }
      long base = endOffset(topic, partition);
      ByteBuffer copy = ByteBuffer.allocate(batch.sizeInBytes());
      batch.writeTo(copy);
      copy.flip();
      MutableRecordBatch stored = MemoryRecords.readableRecords(copy).batches().iterator().next();
      stored.setLastOffset(base + batch.lastOffset() - batch.baseOffset());
      topics.get(topic).get(partition).add(new Stored(base, copy));
      if (batch.producerId() >= 0) {
        sequences.put(key, base);
      }
      first = first < 0 ? base : first;
    }
    return first;
  }

  /** Batches holding offsets >= {@code offset}, at least one, then up to {@code maxBytes}. */
  synchronized ByteBuffer read(String topic, int partition, long offset, int maxBytes) {
    List<ByteBuffer> out = new ArrayList<>();
    int size = 0;
    for (Stored s : topics.get(topic).get(partition)) {
      long last =
          MemoryRecords.readableRecords(s.bytes().duplicate())
              .batches()
              .iterator()
              .next()
              .lastOffset();
      if (last < offset) {
        continue;
      }
      if (!out.isEmpty() && size + s.bytes().remaining() > maxBytes) {
        break;
      }
      out.add(s.bytes().duplicate());
      size += s.bytes().remaining();
    }
    ByteBuffer all = ByteBuffer.allocate(size);
    out.forEach(all::put);
    all.flip();
    return all;
  }

  synchronized List<byte[]> values(String topic, int partition) {
    List<byte[]> values = new ArrayList<>();
    for (Stored s : topics.get(topic).get(partition)) {
      for (Record r : MemoryRecords.readableRecords(s.bytes().duplicate()).records()) {
        byte[] v = new byte[r.valueSize()];
        r.value().get(v);
        values.add(v);
      }
    }
    return values;
  }

  synchronized void corrupt(String topic, int partition, int index) {
    ByteBuffer bytes = topics.get(topic).get(partition).get(index).bytes();
    int at = bytes.limit() - 1;
    bytes.put(at, (byte) (bytes.get(at) ^ 0x55));
  }

  synchronized void commit(String group, String topic, int partition, long offset) {
    committed.computeIfAbsent(group, g -> new HashMap<>()).put(topic + "/" + partition, offset);
  }

  synchronized long committed(String group, String topic, int partition) {
    return committed.getOrDefault(group, Map.of()).getOrDefault(topic + "/" + partition, -1L);
  }
}
