package io.sluice.broker.group;

import io.sluice.testing.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The shared fixture of the consumer-group integration tests: official Kafka clients configured for
 * a group, a consumer that polls on its own thread and records what it reads and owns, a producer
 * that runs until stopped and records what was acknowledged, and a bounded wait.
 */
final class GroupClients {
  private GroupClients() {}

  /** A group consumer: manual commits, earliest reset, sessions short enough for tests. */
  static Properties consumer(String bootstrap, String group, int sessionMs, int heartbeatMs) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(sessionMs));
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(heartbeatMs));
    return props;
  }

  static Properties producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    return props;
  }

  /**
   * Creates the topic before any client asks for it: auto-creation by a Metadata request can be
   * seen half done by a concurrent Metadata request (some partitions missing), and a group leader
   * that sees that assigns only part of the topic until its next metadata refresh.
   */
  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** Waits up to {@code timeout} for {@code condition}; false if it never held ({@link Await}). */
  static boolean await(Duration timeout, BooleanSupplier condition) {
    return Await.holds(timeout, condition);
  }

  private static void join(Thread thread) {
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every (partition, offset) read by any consumer, with how often. */
  static final class Consumed {
    final Map<TopicPartition, Map<Long, AtomicInteger>> reads = new ConcurrentHashMap<>();

    void add(TopicPartition partition, long offset) {
      reads
          .computeIfAbsent(partition, p -> new ConcurrentHashMap<>())
          .computeIfAbsent(offset, o -> new AtomicInteger())
          .incrementAndGet();
    }

    boolean contains(TopicPartition partition, long offset) {
      Map<Long, AtomicInteger> offsets = reads.get(partition);
      return offsets != null && offsets.containsKey(offset);
    }

    long total() {
      return reads.values().stream()
          .flatMap(m -> m.values().stream())
          .mapToLong(AtomicInteger::get)
          .sum();
    }

    long distinct() {
      return reads.values().stream().mapToLong(Map::size).sum();
    }
  }

  /**
   * One group member on a thread of its own: subscribes, polls, records each record, commits after
   * each poll. Keeps its current assignment and checks, through a map shared by the members, that
   * no partition is ever owned by two of them at once.
   */
  static final class TrackedConsumer implements AutoCloseable {
    final String name;
    final AtomicLong firstRecordNanos = new AtomicLong();
    final AtomicInteger assignments = new AtomicInteger();
    volatile Set<TopicPartition> owned = Set.of();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<TopicPartition, String> owners;
    private final AtomicInteger overlaps;
    private volatile boolean running = true;
    private volatile Throwable failure;

    TrackedConsumer(
        String name,
        Properties props,
        String topic,
        Consumed consumed,
        Map<TopicPartition, String> owners,
        AtomicInteger overlaps) {
      this.name = name;
      this.owners = owners;
      this.overlaps = overlaps;
      this.consumer = new KafkaConsumer<>(props);
      this.thread = new Thread(() -> run(topic, consumed), "consumer-" + name);
      thread.start();
    }

    private void run(String topic, Consumed consumed) {
      try {
        consumer.subscribe(List.of(topic), listener());
        while (running) {
          var records = consumer.poll(Duration.ofMillis(100));
          for (ConsumerRecord<byte[], byte[]> record : records) {
            firstRecordNanos.compareAndSet(0, System.nanoTime());
            consumed.add(new TopicPartition(record.topic(), record.partition()), record.offset());
          }
          if (!records.isEmpty()) {
            try {
              consumer.commitSync();
            } catch (KafkaException rebalancing) {
              // A rebalance overtook the commit: the records come again to the next owner.
            }
          }
        }
      } catch (WakeupException closing) {
        // close() asked to stop.
      } catch (Throwable t) {
        failure = t;
      } finally {
        release(owned);
        consumer.close();
      }
    }

    private ConsumerRebalanceListener listener() {
      return new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          release(partitions);
          owned = Set.of();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          for (TopicPartition partition : partitions) {
            String previous = owners.putIfAbsent(partition, name);
            if (previous != null && !previous.equals(name)) {
              overlaps.incrementAndGet();
            }
          }
          owned = Set.copyOf(partitions);
          assignments.incrementAndGet();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          onPartitionsRevoked(partitions);
        }
      };
    }

    private void release(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        owners.remove(partition, name);
      }
    }

    Throwable failure() {
      return failure;
    }

    /** Stops polling and closes the consumer, which leaves the group (LeaveGroup). */
    @Override
    public void close() {
      running = false;
      consumer.wakeup();
      join(thread);
    }
  }

  /** A producer that sends to every partition in turn until stopped, recording each ack. */
  static final class BackgroundProducer implements AutoCloseable {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private volatile boolean running = true;

    BackgroundProducer(String bootstrap, String topic, int partitions, int maxRecords) {
      producer = new KafkaProducer<>(producer(bootstrap));
      thread =
          new Thread(
              () -> {
                for (long seq = 0; running && seq < maxRecords; seq++) {
                  byte[] value = ByteBuffer.allocate(8).putLong(seq).array();
                  producer.send(
                      new ProducerRecord<>(topic, (int) (seq % partitions), null, value),
                      (metadata, error) -> {
                        if (error == null) {
                          acked.add(metadata.partition() + ":" + metadata.offset());
                        } else {
                          failed.incrementAndGet();
                        }
                      });
                  try {
                    Thread.sleep(2);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "producer");
      thread.start();
    }

    /** Stops sending and waits for every send in flight to be acknowledged or failed. */
    @Override
    public void close() {
      running = false;
      join(thread);
      producer.close(Duration.ofSeconds(60));
    }

    /** Acknowledged records as partition to offsets. */
    Map<Integer, Set<Long>> ackedByPartition() {
      Map<Integer, Set<Long>> out = new HashMap<>();
      for (String entry : acked) {
        String[] parts = entry.split(":");
        out.computeIfAbsent(Integer.parseInt(parts[0]), p -> new java.util.HashSet<>())
            .add(Long.parseLong(parts[1]));
      }
      return out;
    }
  }

  /** Committed offsets of {@code group} as a non-member sees them (OffsetFetch only). */
  static Map<TopicPartition, OffsetAndMetadata> committed(
      String bootstrap, String group, Set<TopicPartition> partitions) {
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(consumer(bootstrap, group, 10_000, 3_000))) {
      return reader.committed(partitions, Duration.ofSeconds(30));
    }
  }

  /** Log end offsets. */
  static Map<TopicPartition, Long> endOffsets(String bootstrap, Set<TopicPartition> partitions) {
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(consumer(bootstrap, "end-offsets-reader", 10_000, 3_000))) {
      return reader.endOffsets(partitions, Duration.ofSeconds(30));
    }
  }
}
