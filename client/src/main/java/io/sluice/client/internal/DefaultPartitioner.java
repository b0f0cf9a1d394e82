package io.sluice.client.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the partition of a record that names none. A keyed record goes where Kafka's default
 * partitioner puts it: {@code toPositive(murmur2(key)) % partitions}. Unkeyed records stick to one
 * partition until about {@code batch.size} bytes went there, then move to another, so that they
 * fill whole batches instead of one small batch per partition (Kafka's "sticky" strategy).
 *
 * <p>Thread-safe: the sticky state of each topic is updated under that state's lock.
 */
public final class DefaultPartitioner {
  private final int stickyBytes;
  private final ConcurrentHashMap<String, Sticky> sticky = new ConcurrentHashMap<>();

  public DefaultPartitioner(int stickyBytes) {
    this.stickyBytes = stickyBytes;
  }

  /** The partition for a key on a topic with {@code partitions} partitions. */
  public static int partitionForKey(byte[] key, int partitions) {
    return Murmur2.toPositive(Murmur2.hash(key)) % partitions;
  }

  /**
   * The partition for a record of about {@code recordBytes} bytes.
   *
   * @param key the record key, or null
   */
  public int partition(String topic, byte[] key, int recordBytes, int partitions) {
    if (key != null) {
      return partitionForKey(key, partitions);
    }
    if (partitions == 1) {
      return 0;
    }
    return sticky.computeIfAbsent(topic, t -> new Sticky()).next(recordBytes, partitions);
  }

  private final class Sticky {
    private int current = -1;
    private long bytes;

    synchronized int next(int recordBytes, int partitions) {
      if (current < 0 || current >= partitions || bytes >= stickyBytes) {
        int previous = current;
        do {
          current = ThreadLocalRandom.current().nextInt(partitions);
        } while (current == previous);
        bytes = 0;
      }
      bytes += recordBytes;
      return current;
    }
  }
}
