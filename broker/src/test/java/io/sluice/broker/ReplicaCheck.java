package io.sluice.broker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The two after-the-fact checks of the replication fault tests: every partition read back through
 * kafka-clients into a {@link History} (so that {@link History#violations} can compare with what
 * was acknowledged), and the replicas' logs compared batch by batch from their segment files (no
 * offset below the high watermark may hold different bytes on two replicas).
 */
final class ReplicaCheck {
  private ReplicaCheck() {}

  /** Reads each partition from its start to its high watermark (the consumer's end offset). */
  static Map<Integer, Long> readBack(
      String bootstrap, String topic, int partitions, History history, long timeoutMs) {
    Map<Integer, Long> ends = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap))) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(topic, p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(all, Duration.ofMillis(timeoutMs));
      endOffsets.forEach((tp, end) -> ends.put(tp.partition(), end));
      long[] position = new long[partitions];
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (!caughtUp(position, ends)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "read back only up to " + Arrays.toString(position) + " of " + ends);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          history.read(r.partition(), r.offset(), r.value());
          position[r.partition()] = r.offset() + 1;
        }
      }
    }
    return ends;
  }

  private static boolean caughtUp(long[] position, Map<Integer, Long> ends) {
    for (Map.Entry<Integer, Long> end : ends.entrySet()) {
      if (position[end.getKey()] < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** One stored batch: its first and last offset, the leader epoch it carries, its bytes. */
  record Batch(long baseOffset, long lastOffset, int leaderEpoch, byte[] bytes) {}

  /** The batches of a partition's concatenated segments, by base offset. */
  static TreeMap<Long, Batch> batches(byte[] log) {
    TreeMap<Long, Batch> out = new TreeMap<>();
    ByteBuffer buf = ByteBuffer.wrap(log);
    int at = 0;
    while (at + 12 <= log.length) {
      long base = buf.getLong(at);
      int size = 12 + buf.getInt(at + 8);
      if (size < 61 || at + size > log.length) {
        break; // a partial batch at the end (a follower mid-append), or zeros after the end
      }
      long last = base + buf.getInt(at + 23);
      out.put(
          base, new Batch(base, last, buf.getInt(at + 12), Arrays.copyOfRange(log, at, at + size)));
      at += size;
    }
    return out;
  }

  /**
   * The offsets below {@code highWatermark} where the replicas' logs differ: a batch some replica
   * lacks or holds with other bytes counts with every offset it covers. Zero when the replicas
   * agree byte for byte up to the high watermark.
   */
  static long divergentOffsets(List<byte[]> replicaLogs, long highWatermark) {
    List<TreeMap<Long, Batch>> parsed = new ArrayList<>();
    TreeSet<Long> bases = new TreeSet<>();
    for (byte[] log : replicaLogs) {
      TreeMap<Long, Batch> batches = batches(log);
      parsed.add(batches);
      bases.addAll(batches.headMap(highWatermark).keySet());
    }
    long divergent = 0;
    for (long base : bases) {
      Batch first = null;
      boolean same = true;
      long last = base;
      for (TreeMap<Long, Batch> replica : parsed) {
        Batch batch = replica.get(base);
        if (batch == null) {
          same = false;
          continue;
        }
        last = Math.max(last, batch.lastOffset());
        if (first == null) {
          first = batch;
        } else if (!Arrays.equals(first.bytes(), batch.bytes())) {
          same = false;
        }
      }
      if (!same) {
        divergent += Math.min(last, highWatermark - 1) - base + 1;
      }
    }
    return divergent;
  }
}
