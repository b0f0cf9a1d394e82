package io.sluice.client.it;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRebalanceListener;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A member of a consumer group running on its own thread: Sluice's consumer or kafka-clients',
 * recording every record it received ({@code partition:offset}, with how often) and its current
 * assignment as its rebalance listener last saw it. {@link #stop} stops the loop and closes the
 * consumer (which commits and leaves); failures of the loop are rethrown there.
 */
abstract class GroupMember {
  final String name;
  final Map<String, Integer> received;
  final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
  final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;
  private final Thread thread;

  GroupMember(String name, Map<String, Integer> received) {
    this.name = name;
    this.received = received;
    this.thread = new Thread(this::loop, "member-" + name);
  }

  GroupMember start() {
    thread.start();
    return this;
  }

  private void loop() {
    try {
      subscribe();
      while (running) {
        pollOnce();
      }
    } catch (Throwable t) {
      failure.set(t);
    } finally {
      try {
        closeConsumer();
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }
  }

  abstract void subscribe();

  abstract void pollOnce();

  abstract void closeConsumer();

  void record(String topic, int partition, long offset) {
    received.merge(topic + "-" + partition + ":" + offset, 1, Integer::sum);
  }

  void revoked(Collection<TopicPartition> partitions) {
    assignment.removeAll(partitions);
    events.add("revoked " + partitions);
  }

  void assigned(Collection<TopicPartition> partitions) {
    assignment.addAll(partitions);
    events.add("assigned " + partitions);
  }

  void stop() throws InterruptedException {
    running = false;
    thread.join(30_000);
    if (thread.isAlive()) {
      throw new AssertionError(name + " did not stop");
    }
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError(name + " failed", t);
    }
  }

  /** Sluice's consumer, auto-committing every 200 ms, heartbeating every 300 ms. */
  static final class Sluice extends GroupMember {
    private final Consumer<byte[], byte[]> consumer;
    private final String topic;

    Sluice(
        String name,
        String bootstrap,
        String group,
        String topic,
        String strategy,
        Map<String, Integer> received) {
      super(name, received);
      this.topic = topic;
      this.consumer =
          new Consumer<>(
              ConsumerConfig.builder()
                  .bootstrapServers(bootstrap)
                  .clientId(name)
                  .groupId(group)
                  .autoOffsetReset("earliest")
                  .fetchMaxWaitMs(100)
                  .autoCommitIntervalMs(200)
                  .heartbeatIntervalMs(300)
                  .sessionTimeoutMs(10_000)
                  .maxPollIntervalMs(20_000)
                  .partitionAssignmentStrategy(List.of(strategy))
                  .build());
    }

    @Override
    void subscribe() {
      consumer.subscribe(
          List.of(topic),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              revoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              assigned(partitions);
            }
          });
    }

    @Override
    void pollOnce() {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        record(r.topic(), r.partition(), r.offset());
      }
    }

    @Override
    void closeConsumer() {
      consumer.close();
    }
  }

  /**
   * kafka-clients' consumer with the same settings; strategy {@code default} keeps Kafka's own
   * default list.
   */
  static final class Kafka extends GroupMember {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    Kafka(
        String name,
        String bootstrap,
        String group,
        String topic,
        String strategy,
        Map<String, Integer> received) {
      super(name, received);
      this.topic = topic;
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("client.id", name);
      p.put("group.id", group);
      p.put("auto.offset.reset", "earliest");
      p.put("fetch.max.wait.ms", "100");
      p.put("auto.commit.interval.ms", "200");
      p.put("heartbeat.interval.ms", "300");
      p.put("session.timeout.ms", "10000");
      p.put("max.poll.interval.ms", "20000");
      if ("range".equals(strategy)) {
        p.put(
            "partition.assignment.strategy",
            org.apache.kafka.clients.consumer.RangeAssignor.class.getName());
      } else if ("roundrobin".equals(strategy)) {
        p.put(
            "partition.assignment.strategy",
            org.apache.kafka.clients.consumer.RoundRobinAssignor.class.getName());
      } // else Kafka's default: [range, cooperative-sticky]
      this.consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    void subscribe() {
      consumer.subscribe(
          List.of(topic),
          new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(
                Collection<org.apache.kafka.common.TopicPartition> partitions) {
              revoked(convert(partitions));
            }

            @Override
            public void onPartitionsAssigned(
                Collection<org.apache.kafka.common.TopicPartition> partitions) {
              assigned(convert(partitions));
            }
          });
    }

    private static List<TopicPartition> convert(
        Collection<org.apache.kafka.common.TopicPartition> partitions) {
      return partitions.stream().map(tp -> new TopicPartition(tp.topic(), tp.partition())).toList();
    }

    @Override
    void pollOnce() {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
      records.forEach(r -> record(r.topic(), r.partition(), r.offset()));
    }

    @Override
    void closeConsumer() {
      consumer.close();
    }
  }
}
