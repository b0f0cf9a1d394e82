package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatches;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * librdkafka (through kcat) compresses what it produces to Sluice. librdkafka before 2.10 enables
 * gzip, snappy and lz4 only when the broker advertises Produce from v0, as Kafka 4 does; with a
 * range starting at v3 it logs "Broker does not support compression type" and sends the batches
 * uncompressed. Each case produces with {@code kcat -z CODEC}, checks that every batch stored in
 * the partition's segment carries that codec in its attributes, and reads the records back with
 * kafka-clients. Skipped when {@code kcat} is not installed (CI installs it: {@code .ci/run}).
 */
class KcatCompressionIT {
  private static final int RECORDS = 500;
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() {
    assumeTrue(onPath("kcat"), "kcat is not installed (Debian: apt-get install kcat)");
    broker = EmbeddedBroker.start();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @ParameterizedTest
  @CsvSource({"gzip, GZIP", "snappy, SNAPPY", "lz4, LZ4"})
  void kcatProduce_storesCompressedBatches_kafkaConsumerReadsThemBack(
      String codec, CompressionType expected) throws Exception {
    String topic = "kcat-" + codec;
    try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      values.add(codec + " record " + i + " " + "x".repeat(100));
    }

    String stderr = runKcat(topic, codec, values);
    assertFalse(
        stderr.contains("does not support compression"),
        "kcat fell back to no compression:\n" + stderr);

    List<RecordBatch> batches = storedBatches(topic);
    assertFalse(batches.isEmpty(), "nothing stored");
    int stored = 0;
    for (RecordBatch batch : batches) {
      assertEquals(expected, batch.compressionType(), "batch at offset " + batch.baseOffset());
      stored += batch.recordCount();
    }
    assertEquals(RECORDS, stored);
    assertEquals(values, consume(topic));
  }

  /** Produces {@code values} to partition 0 and returns kcat's stderr once it has exited 0. */
  private static String runKcat(String topic, String codec, List<String> values) throws Exception {
    Path stderrFile = Files.createTempFile("kcat-", ".stderr");
    Process kcat =
        new ProcessBuilder(
                "kcat",
                "-P",
                "-b",
                broker.bootstrapServers(),
                "-t",
                topic,
                "-p",
                "0",
                "-z",
                codec,
                "-X",
                "linger.ms=50",
                "-d",
                "msg")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderrFile.toFile())
            .start();
    try {
      try (OutputStream in = kcat.getOutputStream()) {
        in.write((String.join("\n", values) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      assertTrue(kcat.waitFor(60, TimeUnit.SECONDS), "kcat did not exit within 60 s");
      String stderr = Files.readString(stderrFile);
      assertEquals(0, kcat.exitValue(), "kcat failed:\n" + stderr);
      return stderr;
    } finally {
      kcat.destroyForcibly();
      kcat.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(stderrFile);
    }
  }

  /** Every batch in the partition's segment files, as stored. */
  private static List<RecordBatch> storedBatches(String topic) throws IOException {
    Path partition = broker.dataDir().resolve(topic + "-0");
    List<RecordBatch> batches = new ArrayList<>();
    try (Stream<Path> files = Files.list(partition)) {
      for (Path segment : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
        for (RecordBatch batch : RecordBatches.iterate(bytes)) {
          batches.add(batch);
        }
      }
    }
    return batches;
  }

  private static List<String> consume(String topic) {
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(broker.bootstrapServers()))) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read.size() < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          read.add(new String(record.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return read;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
