package io.sluice.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@code sluice perf produce|consume} workloads run through kafka-clients instead of our
 * client, with the same accounting ({@link LatencyReport}), so that the two clients' figures
 * against one broker can be compared. Run by hand, not a test:
 *
 * <pre>
 * java -cp client/target/test-classes:client/target/classes:&lt;test classpath&gt; \
 *     io.sluice.cli.KafkaClientsPerf produce|consume BOOTSTRAP TOPIC RECORDS SIZE ACKS
 * </pre>
 *
 * The consumer uses {@code assign()} (no group), from the beginning, as {@code perf consume} does.
 */
public final class KafkaClientsPerf {
  private KafkaClientsPerf() {}

  @SuppressWarnings("try") // the progress printer is a resource only for its close()
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String bootstrap = args[1];
    String topic = args[2];
    long records = Long.parseLong(args[3]);
    int size = Integer.parseInt(args[4]);
    String acks = args.length > 5 ? args[5] : "all";
    PrintWriter out = new PrintWriter(System.out, true);
    LatencyReport report = new LatencyReport(System::nanoTime);
    if (mode.equals("produce")) {
      Properties props = new Properties();
      props.put("bootstrap.servers", bootstrap);
      props.put("acks", acks);
      props.put("linger.ms", "5");
      props.put("batch.size", "16384");
      byte[] payload = new byte[size];
      new Random(0).nextBytes(payload);
      try (KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
          AutoCloseable progress = PerfCommand.progressEverySecond(report, out)) {
        for (long i = 0; i < records; i++) {
          long sentAt = System.nanoTime();
          producer.send(
              new ProducerRecord<>(topic, payload),
              (metadata, error) -> {
                if (error == null) {
                  report.record(size, System.nanoTime() - sentAt);
                }
              });
        }
        producer.flush();
      }
      out.println("kafka-clients: " + report.summary().text("sent"));
    } else {
      Properties props = new Properties();
      props.put("bootstrap.servers", bootstrap);
      props.put("auto.offset.reset", "earliest");
      long start = System.nanoTime();
      long first = -1;
      try (KafkaConsumer<byte[], byte[]> consumer =
              new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
          AutoCloseable progress = PerfCommand.progressEverySecond(report, out)) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (report.records() < records) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (first < 0) {
              first = System.nanoTime() - start;
            }
            report.count(r.value().length + (r.key() == null ? 0 : r.key().length));
          }
        }
      }
      out.println(
          "kafka-clients: " + report.summary().text("received") + ", firstRecordMs " + first / 1e6);
    }
  }
}
