package io.sluice.broker;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * A steady {@code acks=all}, idempotent kafka-clients producer load for fault tests: one thread
 * sends unique values round-robin over a topic's partitions, at most {@code maxInFlight} records
 * outstanding, and every acknowledgement goes into a {@link History}. Errors are counted by type (a
 * record that failed was not acknowledged, so the history does not expect it). A producer that
 * reaches a fatal state is replaced by a new one.
 *
 * <p>{@link #mark} and {@link #recoveredAfterMark} measure how long a partition took, after an
 * event such as a kill, to acknowledge a record sent after it (the client-visible failover time).
 *
 * <p>Thread safety: the counters and the history are updated from the producer's I/O thread; the
 * test thread reads them.
 */
final class ProduceLoad implements AutoCloseable {
  private static final int BATCH = 20;
  private static final long PAUSE_MS = 10;

  private final String topic;
  private final int partitions;
  private final History history;
  private final Properties props;
  private final Semaphore inFlight;
  private final Thread thread;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLongArray markNanos;
  private final AtomicLongArray recoveredNanos;
  private final AtomicLongArray ackedPerPartition;
  private final Map<String, Long> errors = new ConcurrentHashMap<>();
  private final int maxInFlight;
  private volatile boolean running = true;

  private ProduceLoad(String bootstrap, String topic, int partitions, History history) {
    this.topic = topic;
    this.partitions = partitions;
    this.history = history;
    this.maxInFlight = 2_000;
    this.inFlight = new Semaphore(maxInFlight);
    this.markNanos = new AtomicLongArray(partitions);
    this.recoveredNanos = new AtomicLongArray(partitions);
    this.ackedPerPartition = new AtomicLongArray(partitions);
    this.props = KafkaClients.producer(bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
    props.put("metadata.max.age.ms", "5000");
    this.thread = new Thread(this::run, "produce-load-" + topic);
    this.thread.setDaemon(true);
  }

  /** Starts sending to every partition of {@code topic}. */
  static ProduceLoad start(String bootstrap, String topic, int partitions, History history) {
    ProduceLoad load = new ProduceLoad(bootstrap, topic, partitions, history);
    for (int p = 0; p < partitions; p++) {
      load.markNanos.set(p, Long.MAX_VALUE);
    }
    load.thread.start();
    return load;
  }

  private void run() {
    while (running) {
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        while (running) {
          for (int i = 0; i < BATCH && running; i++) {
            if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
              continue;
            }
            long seq = sequence.getAndIncrement();
            int partition = (int) (seq % partitions);
            byte[] value = value(partition, seq);
            long sentAt = System.nanoTime();
            try {
              producer.send(
                  new ProducerRecord<>(topic, partition, null, value),
                  (meta, error) -> {
                    inFlight.release();
                    if (error != null) {
                      errors.merge(error.getClass().getSimpleName(), 1L, Long::sum);
                      return;
                    }
                    history.acknowledged(meta.partition(), meta.offset(), value);
                    acked.incrementAndGet();
                    ackedPerPartition.incrementAndGet(meta.partition());
                    if (sentAt >= markNanos.get(meta.partition())) {
                      recoveredNanos.compareAndSet(meta.partition(), 0, System.nanoTime());
                    }
                  });
            } catch (KafkaException e) {
              inFlight.release();
              errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
              throw e;
            }
          }
          Thread.sleep(PAUSE_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (KafkaException e) {
        // a fatal producer state: go on with a new producer (outstanding records fail in close)
      }
    }
  }

  /** A unique value naming its partition and sequence, padded to 64 bytes. */
  static byte[] value(int partition, long seq) {
    byte[] text = ("p" + partition + "-" + seq + "-").getBytes(StandardCharsets.UTF_8);
    byte[] value = Arrays.copyOf(text, Math.max(64, text.length));
    Arrays.fill(value, text.length, value.length, (byte) ('a' + (seq % 26)));
    return value;
  }

  long acknowledged() {
    return acked.get();
  }

  long acknowledged(int partition) {
    return ackedPerPartition.get(partition);
  }

  /** Errors by exception type (records not acknowledged). */
  Map<String, Long> errors() {
    return new TreeMap<>(errors);
  }

  /** Starts a failover measurement of {@code partition} now. */
  void mark(int partition) {
    recoveredNanos.set(partition, 0);
    markNanos.set(partition, System.nanoTime());
  }

  /** Milliseconds from {@link #mark} to the first acknowledgement of a record sent after it. */
  long recoveredAfterMarkMs(int partition) {
    long at = recoveredNanos.get(partition);
    return at == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(at - markNanos.get(partition));
  }

  /** Waits until {@code count} more records are acknowledged on each of {@code which}. */
  void awaitAcks(List<Integer> which, long count, long timeoutMs) throws InterruptedException {
    long[] from = new long[partitions];
    for (int p : which) {
      from[p] = acknowledged(p);
    }
    BrokerProcesses.waitFor(
        count + " more acknowledgements on partitions " + which + " (errors " + errors() + ")",
        timeoutMs,
        () -> which.stream().allMatch(p -> acknowledged(p) >= from[p] + count));
  }

  /** Stops sending and waits (bounded) for the outstanding records to be answered. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.MINUTES.toMillis(3));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
  }
}
