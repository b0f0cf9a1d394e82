package io.sluice.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records returned by one {@link Consumer#poll}, grouped by partition in offset order.
 * Immutable.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>> {
  private static final ConsumerRecords<?, ?> EMPTY = new ConsumerRecords<>(Map.of());

  private final Map<TopicPartition, List<ConsumerRecord<K, V>>> byPartition;
  private final int count;

  public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord<K, V>>> byPartition) {
    this.byPartition = Collections.unmodifiableMap(new LinkedHashMap<>(byPartition));
    this.count = byPartition.values().stream().mapToInt(List::size).sum();
  }

  @SuppressWarnings("unchecked") // holds no K or V
  public static <K, V> ConsumerRecords<K, V> empty() {
    return (ConsumerRecords<K, V>) EMPTY;
  }

  public int count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public Set<TopicPartition> partitions() {
    return byPartition.keySet();
  }

  public List<ConsumerRecord<K, V>> records(TopicPartition partition) {
    return byPartition.getOrDefault(partition, List.of());
  }

  /** The records of every partition of {@code topic}. */
  public List<ConsumerRecord<K, V>> records(String topic) {
    List<ConsumerRecord<K, V>> all = new ArrayList<>();
    byPartition.forEach(
        (partition, records) -> {
          if (partition.topic().equals(topic)) {
            all.addAll(records);
          }
        });
    return all;
  }

  @Override
  public Iterator<ConsumerRecord<K, V>> iterator() {
    List<ConsumerRecord<K, V>> all = new ArrayList<>(count);
    byPartition.values().forEach(all::addAll);
    return Collections.unmodifiableList(all).iterator();
  }
}
