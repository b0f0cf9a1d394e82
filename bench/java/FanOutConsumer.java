import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * N concurrent kafka-clients consumers in one JVM, each reading the whole of one topic from offset
 * 0 with {@code assign()} (no group, no commits), until it has {@code recordsEach} records.
 *
 * <p>Usage (single-file source launch, kafka-clients on the class path): {@code java -cp 'libs/*'
 * FanOutConsumer.java BOOTSTRAP TOPIC CONSUMERS RECORDS_EACH}. Prints one JSON line: total records
 * and bytes, the wall time from the moment every consumer is connected and positioned at offset 0
 * to the last record of all of them, and the aggregate rates. One JVM instead of N keeps the client side from eating the two cores
 * the broker is measured on. Thread safety: each consumer is confined to its own thread.
 */
public final class FanOutConsumer {
  private record Result(long records, long bytes) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: FanOutConsumer BOOTSTRAP TOPIC CONSUMERS RECORDS_EACH");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    int consumers = Integer.parseInt(args[2]);
    long recordsEach = Long.parseLong(args[3]);
    ExecutorService pool = Executors.newFixedThreadPool(consumers);
    CountDownLatch ready = new CountDownLatch(consumers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Result>> futures = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      futures.add(pool.submit(() -> readAll(bootstrap, topic, recordsEach, ready, go)));
    }
    // The clock starts once every consumer is connected and positioned: connection set-up is
    // not consumption.
    if (!ready.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("consumers not ready within 60 s");
    }
    long started = System.nanoTime();
    go.countDown();
    long records = 0;
    long bytes = 0;
    for (Future<Result> future : futures) {
      Result result = future.get();
      records += result.records();
      bytes += result.bytes();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"consumers\":%d,\"records\":%d,\"bytes\":%d,\"seconds\":%.3f,"
                + "\"records_s\":%.1f,\"mib_s\":%.2f}",
            consumers,
            records,
            bytes,
            seconds,
            records / seconds,
            bytes / seconds / (1024.0 * 1024.0)));
  }

  private static Result readAll(
      String bootstrap, String topic, long wanted, CountDownLatch ready, CountDownLatch go)
      throws InterruptedException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      for (TopicPartition partition : partitions) {
        consumer.position(partition, Duration.ofSeconds(30)); // resolves the offset now
      }
      ready.countDown();
      go.await();
      long records = 0;
      long bytes = 0;
      long idleDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records < wanted) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        if (batch.isEmpty()) {
          if (System.nanoTime() > idleDeadline) {
            throw new IllegalStateException(
                "no records for 30 s after " + records + " of " + wanted + " on " + topic);
          }
          continue;
        }
        idleDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
          records++;
          bytes += record.serializedValueSize() + Math.max(0, record.serializedKeySize());
        }
      }
      return new Result(records, bytes);
    }
  }
}
