package io.sluice.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint against a real broker and the official clients: produce and fetch move the
 * counters by the right amounts, lag is log end minus committed, errors are counted by API and
 * code, and the whole output parses as the Prometheus text format.
 */
class MetricsIT {
  private static final int RECORDS = 20;
  private static final int VALUE_SIZE = 100;

  private EmbeddedBroker broker;
  private InetSocketAddress metrics;

  @BeforeEach
  void start() {
    broker = EmbeddedBroker.start(Map.of("metrics.port", "0"));
    metrics = broker.broker().metricsAddress();
  }

  @AfterEach
  void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void produceAndFetchMoveTheCountersByTheRightAmounts() throws Exception {
    PrometheusText before = Scrape.metrics(metrics);
    double producesBefore = before.valueOr("sluice_requests_total", api("Produce"), 0);

    produce("orders", RECORDS, 0);

    PrometheusText after = Scrape.metrics(metrics);
    Map<String, String> topic = Map.of("topic", "orders");
    Map<String, String> partition = Map.of("topic", "orders", "partition", "0");
    assertEquals(RECORDS, after.value("sluice_topic_records_in_total", topic));
    assertEquals(RECORDS, after.value("sluice_partition_log_end_offset", partition));
    assertEquals(0, after.value("sluice_partition_log_start_offset", partition));
    double size = after.value("sluice_partition_size_bytes", partition);
    assertTrue(size > RECORDS * VALUE_SIZE, "size " + size);
    // Every appended byte is in the log, and nothing else is.
    assertEquals(size, after.value("sluice_topic_bytes_in_total", topic));
    // One record per request (each send awaited before the next).
    assertEquals(
        RECORDS, after.value("sluice_requests_total", api("Produce")) - producesBefore, "requests");
    assertEquals(
        RECORDS, after.value("sluice_request_duration_seconds_count", api("Produce")), "latency");
    assertEquals(0, after.value("sluice_topic_bytes_out_total", topic));

    double sendfileBefore =
        after.value("sluice_fetch_sent_bytes_total", Map.of("path", "sendfile"));
    assertEquals(RECORDS, consumeAll("orders", RECORDS));
    // The sendfile counter moves when the region is released after writing: poll for it.
    PrometheusText fetched =
        awaitScrape(
            s ->
                s.value("sluice_fetch_sent_bytes_total", Map.of("path", "sendfile"))
                    >= sendfileBefore + size);
    assertEquals(size, fetched.value("sluice_topic_bytes_out_total", topic));
    assertEquals(
        size,
        fetched.value("sluice_fetch_sent_bytes_total", Map.of("path", "sendfile"))
            - sendfileBefore);
    assertEquals(0, fetched.value("sluice_fetch_sent_bytes_total", Map.of("path", "copy")));
    assertTrue(fetched.value("sluice_requests_total", api("Fetch")) >= 1);

    // acks=all produces were flushed; the flush histogram saw every appended byte.
    PrometheusText flushed =
        awaitScrape(s -> s.value("sluice_log_flush_bytes_sum", Map.of()) >= size);
    assertEquals(size, flushed.value("sluice_log_flush_bytes_sum", Map.of()));
    assertTrue(flushed.value("sluice_log_flush_duration_seconds_count", Map.of()) >= 1);
  }

  @Test
  void lagIsLogEndMinusCommitted() throws Exception {
    produce("events", 10, 0);
    commit("audit", "events", 3);
    PrometheusText first = Scrape.metrics(metrics);
    Map<String, String> labels = Map.of("group", "audit", "topic", "events", "partition", "0");
    assertEquals(3, first.value("sluice_consumer_group_committed_offset", labels));
    assertEquals(7, first.value("sluice_consumer_group_lag", labels));

    produce("events", 5, 10);
    PrometheusText second = Scrape.metrics(metrics);
    assertEquals(
        15,
        second.value(
            "sluice_partition_log_end_offset", Map.of("topic", "events", "partition", "0")));
    assertEquals(12, second.value("sluice_consumer_group_lag", labels));

    commit("audit", "events", 15);
    assertEquals(0, Scrape.metrics(metrics).value("sluice_consumer_group_lag", labels));
  }

  @Test
  void errorsAreCountedPerApiAndCode() throws Exception {
    try (Admin admin = Admin.create(adminProps())) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class, () -> admin.deleteTopics(List.of("missing")).all().get());
      assertTrue(e.getCause() instanceof UnknownTopicOrPartitionException, e.toString());
    }
    PrometheusText text = Scrape.metrics(metrics);
    assertEquals(
        1,
        text.value(
            "sluice_request_errors_total",
            Map.of("api", "DeleteTopics", "error", "UNKNOWN_TOPIC_OR_PARTITION")));
    // The client writes a counter's family under its sample name, _total included.
    assertEquals("counter", text.type("sluice_request_errors_total"));
    assertEquals("histogram", text.type("sluice_request_duration_seconds"));
  }

  @Test
  void connectionsAndParkedFetchesAreGauges() throws Exception {
    produce("idle", 1, 0);
    Properties props = consumerProps();
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "3000");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition("idle", 0);
      consumer.assign(List.of(tp));
      consumer.seek(tp, 1); // at the end: each fetch parks for up to 3 s
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      PrometheusText text = Scrape.metrics(metrics);
      while (text.value("sluice_fetches_parked", Map.of()) < 1 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100));
        text = Scrape.metrics(metrics);
      }
      assertEquals(1, text.value("sluice_fetches_parked", Map.of()));
      assertTrue(text.value("sluice_connections", Map.of()) >= 1);
    }
  }

  @Test
  void jvmMetricsAreThere() throws Exception {
    PrometheusText text = Scrape.metrics(metrics);
    assertEquals("gauge", text.type("jvm_memory_used_bytes"));
    assertTrue(text.value("jvm_memory_used_bytes", Map.of("area", "heap")) > 0);
    assertTrue(
        text.samples().stream().anyMatch(s -> s.name().startsWith("jvm_gc_collection_seconds")),
        "GC metrics");
  }

  @Test
  void healthAndReadinessWhileRunningThenGone() throws Exception {
    assertEquals(200, Scrape.get(metrics, "/health").statusCode());
    assertEquals(200, Scrape.get(metrics, "/ready").statusCode());
    assertEquals("ready\n", Scrape.get(metrics, "/ready").body());
    assertEquals(404, Scrape.get(metrics, "/nothing").statusCode());
    broker.close();
    broker = null;
    assertThrows(ConnectException.class, () -> Scrape.get(metrics, "/health"));
  }

  @Test
  void offByDefault() {
    try (EmbeddedBroker plain = EmbeddedBroker.start()) {
      assertNull(plain.broker().metricsAddress());
    }
  }

  private static Map<String, String> api(String name) {
    return Map.of("api", name);
  }

  private PrometheusText awaitScrape(java.util.function.Predicate<PrometheusText> done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    PrometheusText text = Scrape.metrics(metrics);
    while (!done.test(text) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      text = Scrape.metrics(metrics);
    }
    return text;
  }

  private void produce(String topic, int count, int firstOffset) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < count; i++) {
        long offset =
            producer
                .send(new ProducerRecord<>(topic, 0, null, new byte[VALUE_SIZE]))
                .get()
                .offset();
        assertEquals(firstOffset + i, offset);
      }
    }
  }

  private int consumeAll(String topic, int expected) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      int seen = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < expected && System.nanoTime() < deadline) {
        seen += consumer.poll(Duration.ofMillis(200)).count();
      }
      return seen;
    }
  }

  private void commit(String group, String topic, long offset) {
    Properties props = consumerProps();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)));
    }
  }

  private Properties consumerProps() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  private Properties adminProps() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return props;
  }
}
