package io.sluice.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A history checker for fault tests: the writes the broker acknowledged (partition, offset, value)
 * against what is read back afterwards. {@link #violations} lists every acknowledged record that is
 * missing at its offset or holds other bytes there, and every offset read back twice with different
 * bytes; an empty list means nothing acknowledged was lost or changed. Records deleted on purpose
 * ({@link #deletedBefore}) are not expected back. Thread-safe: producer callbacks record
 * acknowledgements from the client's I/O thread.
 */
final class History {
  private final Map<Integer, Map<Long, byte[]>> acknowledged = new ConcurrentHashMap<>();
  private final Map<Integer, Map<Long, byte[]>> read = new ConcurrentHashMap<>();
  private final List<String> conflicts = new ArrayList<>();
  private final Map<Integer, Long> deletedBefore = new ConcurrentHashMap<>();

  /** The broker acknowledged {@code value} at {@code offset} of {@code partition}. */
  void acknowledged(int partition, long offset, byte[] value) {
    byte[] before =
        acknowledged.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).put(offset, value);
    if (before != null && !Arrays.equals(before, value)) {
      synchronized (conflicts) {
        conflicts.add("partition " + partition + " offset " + offset + " acknowledged twice");
      }
    }
  }

  /** A consumer read {@code value} at {@code offset} of {@code partition}. */
  void read(int partition, long offset, byte[] value) {
    byte[] before =
        read.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).putIfAbsent(offset, value);
    if (before != null && !Arrays.equals(before, value)) {
      synchronized (conflicts) {
        conflicts.add("partition " + partition + " offset " + offset + " read with two values");
      }
    }
  }

  /**
   * The records of {@code partition} below {@code offset} were deleted on purpose (DeleteRecords,
   * retention): they are no longer expected to be read back.
   */
  void deletedBefore(int partition, long offset) {
    deletedBefore.merge(partition, offset, Math::max);
  }

  int acknowledgedCount() {
    return acknowledged.values().stream().mapToInt(Map::size).sum();
  }

  /** The highest acknowledged offset + 1 of a partition (0 if none). */
  long acknowledgedEnd(int partition) {
    return new TreeMap<>(acknowledged.getOrDefault(partition, Map.of()))
            .descendingKeySet().stream().findFirst().orElse(-1L)
        + 1;
  }

  /** Every lost, changed or conflicting record (at most 20 listed), empty if none. */
  List<String> violations() {
    List<String> out;
    synchronized (conflicts) {
      out = new ArrayList<>(conflicts);
    }
    for (Map.Entry<Integer, Map<Long, byte[]>> partition : acknowledged.entrySet()) {
      Map<Long, byte[]> seen = read.getOrDefault(partition.getKey(), Map.of());
      long start = deletedBefore.getOrDefault(partition.getKey(), 0L);
      for (Map.Entry<Long, byte[]> record :
          new TreeMap<>(partition.getValue()).tailMap(start).entrySet()) {
        byte[] got = seen.get(record.getKey());
        if (got == null) {
          out.add("partition " + partition.getKey() + " offset " + record.getKey() + " lost");
        } else if (!Arrays.equals(got, record.getValue())) {
          out.add("partition " + partition.getKey() + " offset " + record.getKey() + " changed");
        }
        if (out.size() >= 20) {
          return out;
        }
      }
    }
    return out;
  }
}
