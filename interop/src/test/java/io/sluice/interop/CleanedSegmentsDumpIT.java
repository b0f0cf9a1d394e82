package io.sluice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.DumpLogSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments that Sluice's log cleaner rewrote, read by Kafka's own segment tool ({@code
 * kafka-dump-log}, {@code org.apache.kafka.tools.DumpLogSegments} of kafka-tools 4.4) straight from
 * the broker's data directory: every cleaned segment parses batch by batch and record by record,
 * its offset and time indexes agree with it, and what the tool prints is what a consumer reads, the
 * latest value of every key among it. The broker is stopped while the tool reads, so that no
 * cleaning pass changes the files between the dump and the consumer's read (which a broker started
 * again on the same directory, with its cleaner off, serves).
 */
class CleanedSegmentsDumpIT {
  private static final String TOPIC = "compacted";
  private static final int KEYS = 40;
  private static final int RECORDS = 4000;
  private static final Pattern RECORD =
      Pattern.compile("\\| offset: (\\d+) .* key: (\\S+) payload: (\\S+)");

  @TempDir Path data;
  private EmbeddedBroker broker;

  @AfterEach
  void stop() {
    try {
      if (broker != null) {
        broker.close();
      }
    } finally {
      Exit.resetExitProcedure();
    }
  }

  @Test
  void kafkasSegmentToolReadsCleanedSegments() throws Exception {
    broker = EmbeddedBroker.start(data, Map.of("log.cleaner.backoff.ms", "50"));
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(adminProps)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 1, (short) 1)
                      .configs(
                          Map.of(
                              "cleanup.policy", "compact",
                              "segment.bytes", "16384",
                              "min.cleanable.dirty.ratio", "0.01",
                              "min.compaction.lag.ms", "0"))))
          .all()
          .get();
    }

    Map<String, String> latest = new HashMap<>();
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, "2048");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        String key = "key-" + (i % KEYS);
        String value = "value-" + i + "-" + "x".repeat(i % 50);
        latest.put(key, value);
        producer.send(new ProducerRecord<>(TOPIC, 0, key, value));
      }
      producer.flush();
    }

    // Cleaned: far fewer records than were produced, every key still there with its latest value.
    awaitCleaned(latest);
    // Stop the broker so that no cleaning pass runs between the dump and the read below; closing
    // seals the active segment, so every segment's indexes are trimmed and can be checked.
    broker.close();
    broker = null;

    Path partition = data.resolve(TOPIC + "-0");
    List<Path> logs;
    try (Stream<Path> files = Files.list(partition)) {
      logs = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    assertTrue(logs.size() >= 2, "several segments: " + logs);
    StringBuilder files = new StringBuilder();
    for (Path log : logs) {
      String base = log.toString().substring(0, log.toString().length() - ".log".length());
      files.append(files.isEmpty() ? "" : ",").append(log);
      files.append(',').append(base).append(".index");
      files.append(',').append(base).append(".timeindex");
    }
    String dump =
        dumpLogSegments("--deep-iteration", "--print-data-log", "--files", files.toString());

    // The same data served again, with the cleaner off: what a consumer reads must be the dump.
    broker = EmbeddedBroker.start(data, Map.of("log.cleaner.enable", "false"));
    List<ConsumerRecord<String, String>> read = readAll();

    assertFalse(dump.contains("Exception"), dump);
    assertFalse(dump.toLowerCase().contains("mismatch"), "index mismatch: " + dump);
    assertFalse(dump.contains("Found"), "the tool found problems: " + dump);
    List<long[]> offsets = new ArrayList<>();
    Map<String, String> dumpedLatest = new HashMap<>();
    Map<Long, String> dumpedByOffset = new HashMap<>();
    Matcher m = RECORD.matcher(dump);
    while (m.find()) {
      long offset = Long.parseLong(m.group(1));
      offsets.add(new long[] {offset});
      dumpedLatest.put(m.group(2), m.group(3));
      dumpedByOffset.put(offset, m.group(2) + "=" + m.group(3));
    }
    assertEquals(read.size(), offsets.size(), "the tool prints what a consumer reads");
    for (int i = 1; i < offsets.size(); i++) {
      assertTrue(offsets.get(i)[0] > offsets.get(i - 1)[0], "offsets increase: " + dump);
    }
    for (ConsumerRecord<String, String> record : read) {
      assertEquals(
          record.key() + "=" + record.value(),
          dumpedByOffset.get(record.offset()),
          "offset " + record.offset());
    }
    assertEquals(latest, dumpedLatest);
  }

  /** Polls until the cleaner has run; returns the records a consumer reads from the start. */
  private List<ConsumerRecord<String, String>> awaitCleaned(Map<String, String> latest)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      List<ConsumerRecord<String, String>> read = readAll();
      Map<String, String> seen = new HashMap<>();
      read.forEach(r -> seen.put(r.key(), r.value()));
      if (read.size() < RECORDS / 2 && seen.equals(latest)) {
        return read;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not cleaned within 90 s: " + read.size() + " of " + RECORDS + " records remain");
      }
      Thread.sleep(200);
    }
  }

  private List<ConsumerRecord<String, String>> readAll() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(Set.of(tp));
      consumer.seekToBeginning(Set.of(tp));
      long end = consumer.endOffsets(Set.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
    }
    return read;
  }

  /** Runs the tool in-process with System.out captured; an exit attempt fails the test. */
  private static synchronized String dumpLogSegments(String... args) throws Exception {
    Exit.setExitProcedure(
        (code, message) -> {
          throw new AssertionError("kafka-dump-log exited with " + code + ": " + message);
        });
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      DumpLogSegments.main(args);
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
