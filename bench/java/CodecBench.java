import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sluice's producer and consumer against kafka-clients 4.4 with the same codec, through one broker:
 * records/s and MB/s (uncompressed record bytes), the median of several runs after one unmeasured
 * warm-up run, one JSON line per (client, direction, codec).
 *
 * <p>Each run, per codec: Sluice's producer writes N records to a fresh topic, then kafka-clients'
 * producer writes N records to another (acks=1, linger.ms=5, batch.size=16384, idempotence off,
 * the codec at its default level); then Sluice's consumer and kafka-clients' consumer each read
 * the kafka-clients topic from offset 0 with {@code assign()}, so both decompress the same
 * batches. Values are text-like (words drawn from a 64-word vocabulary, seeded), so that each codec
 * has something to compress (about 3:1 with gzip); keys are 8-byte record numbers.
 *
 * <p>Usage (single-file source launch): {@code java -cp CLASSPATH CodecBench.java BOOTSTRAP RECORDS
 * RECORD_SIZE RUNS [CODEC...]}, where CLASSPATH holds the client module's classes and its test
 * class path (kafka-clients included). Single-threaded per client; the broker runs in its own
 * process.
 */
public final class CodecBench {
  private static final String[] WORDS = new String[64];

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int records = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    List<String> codecs =
        args.length > 4
            ? Arrays.asList(args).subList(4, args.length)
            : List.of("none", "gzip", "snappy", "lz4", "zstd");
    Random random = new Random(1);
    for (int i = 0; i < WORDS.length; i++) {
      StringBuilder word = new StringBuilder();
      for (int c = 0; c < 2 + random.nextInt(8); c++) {
        word.append((char) ('a' + random.nextInt(26)));
      }
      WORDS[i] = word.toString();
    }
    byte[][] values = new byte[1024][];
    for (int i = 0; i < values.length; i++) {
      StringBuilder text = new StringBuilder();
      while (text.length() < size) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
      }
      values[i] = text.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    long bytes = (long) records * size;
    for (String codec : codecs) {
      double[][] rates = new double[4][runs];
      for (int run = -1; run < runs; run++) { // run -1 warms the JIT up and is not counted
        String ours = "bench-sluice-" + codec + "-" + run + "-" + System.nanoTime();
        String theirs = "bench-kafka-" + codec + "-" + run + "-" + System.nanoTime();
        double[] seconds = {
          sluiceProduce(bootstrap, ours, codec, records, values),
          kafkaProduce(bootstrap, theirs, codec, records, values),
          sluiceConsume(bootstrap, theirs, records),
          kafkaConsume(bootstrap, theirs, records)
        };
        for (int i = 0; run >= 0 && i < 4; i++) {
          rates[i][run] = seconds[i];
        }
      }
      String[] names = {"sluice produce", "kafka-clients produce", "sluice consume", "kafka-clients consume"};
      for (int i = 0; i < 4; i++) {
        double[] sorted = rates[i].clone();
        Arrays.sort(sorted);
        double seconds = sorted[sorted.length / 2];
        System.out.printf(
            Locale.ROOT,
            "{\"codec\":\"%s\",\"case\":\"%s\",\"records_per_s\":%.0f,\"mb_per_s\":%.1f,\"runs_s\":%s}%n",
            codec,
            names[i],
            records / seconds,
            bytes / seconds / 1e6,
            Arrays.toString(rates[i]));
      }
    }
  }

  private static byte[] key(long i) {
    return java.nio.ByteBuffer.allocate(8).putLong(i).array();
  }

  /** Seconds from the first send to the last acknowledgement. */
  private static double sluiceProduce(
      String bootstrap, String topic, String codec, int records, byte[][] values) throws Exception {
    ProducerConfig config =
        ProducerConfig.builder()
            .bootstrapServers(bootstrap)
            .acks(1)
            .lingerMs(5)
            .batchSize(16384)
            .properties(Map.of("compression.type", codec))
            .build();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (Producer<byte[], byte[]> producer = new Producer<>(config)) {
      producer.send(new ProducerRecord<>(topic, 0, null, key(-1), values[0], List.of())).get();
      long start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        producer.send(
            new ProducerRecord<>(topic, 0, null, key(i), values[i % values.length], List.of()),
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        throw failure.get();
      }
      return seconds;
    }
  }

  private static double kafkaProduce(
      String bootstrap, String topic, String codec, int records, byte[][] values) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "1");
    props.put("linger.ms", "5");
    props.put("batch.size", "16384");
    props.put("compression.type", codec);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, key(-1), values[0])).get();
      long start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        producer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                topic, 0, key(i), values[i % values.length]),
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        throw failure.get();
      }
      return seconds;
    }
  }

  /** Seconds from the first poll to the last of {@code records + 1} records (the warm-up one). */
  private static double sluiceConsume(String bootstrap, String topic, int records) {
    try (Consumer<byte[], byte[]> consumer =
        new Consumer<>(ConsumerConfig.builder().bootstrapServers(bootstrap).autoOffsetReset("earliest").build())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      long start = System.nanoTime();
      long seen = 0;
      long checksum = 0;
      while (seen < records + 1) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          seen++;
          checksum += r.value().length;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (checksum <= 0) {
        throw new IllegalStateException("no bytes");
      }
      return seconds;
    }
  }

  private static double kafkaConsume(String bootstrap, String topic, int records) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long start = System.nanoTime();
      long seen = 0;
      long checksum = 0;
      while (seen < records + 1) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          seen++;
          checksum += r.value().length;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (checksum <= 0) {
        throw new IllegalStateException("no bytes");
      }
      return seconds;
    }
  }
}
