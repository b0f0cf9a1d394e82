package io.sluice.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The records returned by one {@link Consumer#poll}, grouped by partition in offset order. */
public final class ConsumerRecords implements Iterable<ConsumerRecord> {
  public static final ConsumerRecords EMPTY = new ConsumerRecords(Map.of());

  private final Map<TopicPartition, List<ConsumerRecord>> byPartition;
  private final int count;

  public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord>> byPartition) {
    this.byPartition = Collections.unmodifiableMap(new LinkedHashMap<>(byPartition));
    this.count = byPartition.values().stream().mapToInt(List::size).sum();
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

  public List<ConsumerRecord> records(TopicPartition partition) {
    return byPartition.getOrDefault(partition, List.of());
  }

  @Override
  public Iterator<ConsumerRecord> iterator() {
    List<ConsumerRecord> all = new ArrayList<>(count);
    byPartition.values().forEach(all::addAll);
    return all.iterator();
  }
}
