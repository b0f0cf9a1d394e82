package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client quotas enforced (KIP-13, KIP-219) against kafka-clients 4.4: a producer and a consumer
 * with a byte-rate quota of 100000 B/s are held near it and see {@code throttle_time_ms > 0} (the
 * clients' throttle-time metrics come from the responses' field), while clients without a quota are
 * never throttled.
 *
 * <p>No assertion depends on the machine's speed: a slow machine only moves fewer bytes, so the
 * upper bounds hold whatever the load. The bound is what Kafka's rate allows: in the first 11
 * seconds the rate is measured over at least 10 windows, so a client may move up to about quota x
 * 11 s plus what was in flight when it crossed the quota, which over 8 seconds is under 1.6 x the
 * quota; the test allows 3 x. Throttling is waited for (poll-until with a deadline), not timed. The
 * unthrottled client's bytes must exceed what the quota would have let through in the time it took,
 * which fails only if 8 MB took over a minute.
 */
class ClientQuotaEnforcementIT {
  private static final double QUOTA = 100_000;
  private static final long RUN_NANOS = Duration.ofSeconds(8).toNanos();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int RECORD = 1000;
  private static final int FREE_BYTES = 8 << 20;

  @TempDir Path dir;

  @Test
  void producerAndConsumerHeldNearTheirQuotas_othersUnthrottled() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of());
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("quota", 1, (short) 1))).all().get();
      admin
          .alterClientQuotas(
              List.of(
                  quota("client-id", "slow-producer", "producer_byte_rate", QUOTA),
                  quota("client-id", "slow-consumer", "consumer_byte_rate", QUOTA)))
          .all()
          .get();

      // Unthrottled: 8 MB as fast as the machine goes, never throttled.
      long start = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> free = producer(broker, "free-producer")) {
        for (int i = 0; i < FREE_BYTES / RECORD; i++) {
          free.send(new ProducerRecord<>("quota", new byte[RECORD]));
        }
        free.flush();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0.0, metric(free.metrics(), "produce-throttle-time-max"));
        assertTrue(
            FREE_BYTES > QUOTA * (seconds + 11),
            "unthrottled: " + FREE_BYTES + " bytes in " + seconds + " s");
      }

      // Throttled producer: as fast as it can for 8 s and until it has been throttled.
      AtomicLong acked = new AtomicLong();
      try (KafkaProducer<byte[], byte[]> slow = producer(broker, "slow-producer")) {
        start = System.nanoTime();
        long deadline = start + WAIT.toNanos();
        while (System.nanoTime() - start < RUN_NANOS
            || metric(slow.metrics(), "produce-throttle-time-max") <= 0) {
          assertTrue(System.nanoTime() < deadline, "the producer was never throttled");
          slow.send(
              new ProducerRecord<>("quota", new byte[RECORD]),
              (md, e) -> {
                if (e == null) {
                  acked.addAndGet(RECORD);
                }
              });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes = acked.get();
        assertTrue(
            bytes < 3 * QUOTA * seconds,
            "throttled producer: " + bytes + " bytes in " + seconds + " s");
        assertTrue(metric(slow.metrics(), "produce-throttle-time-max") > 0);
      }

      // Unthrottled consumer: reads the 8 MB, never throttled.
      TopicPartition tp = new TopicPartition("quota", 0);
      try (KafkaConsumer<byte[], byte[]> free = consumer(broker, "free-consumer")) {
        free.assign(List.of(tp));
        long bytes = 0;
        start = System.nanoTime();
        while (bytes < FREE_BYTES) {
          assertTrue(System.nanoTime() - start < WAIT.toNanos(), "free consumer: " + bytes);
          for (ConsumerRecord<byte[], byte[]> r : free.poll(Duration.ofMillis(200))) {
            bytes += r.value().length;
          }
        }
        assertEquals(0.0, metric(free.metrics(), "fetch-throttle-time-max"));
      }

      // Throttled consumer: 8 s and until throttled.
      try (KafkaConsumer<byte[], byte[]> slow = consumer(broker, "slow-consumer")) {
        slow.assign(List.of(tp));
        long bytes = 0;
        start = System.nanoTime();
        long deadline = start + WAIT.toNanos();
        while (System.nanoTime() - start < RUN_NANOS
            || metric(slow.metrics(), "fetch-throttle-time-max") <= 0) {
          assertTrue(System.nanoTime() < deadline, "the consumer was never throttled");
          for (ConsumerRecord<byte[], byte[]> r : slow.poll(Duration.ofMillis(100))) {
            bytes += r.value().length;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(
            bytes < 3 * QUOTA * seconds,
            "throttled consumer: " + bytes + " bytes in " + seconds + " s");
      }
      assertTrue(broker.broker().clientQuotas().throttledProduce() > 0);
      assertTrue(broker.broker().clientQuotas().throttledFetch() > 0);
    }
  }

  static ClientQuotaAlteration quota(String type, String name, String key, double value) {
    return new ClientQuotaAlteration(
        new ClientQuotaEntity(Map.of(type, name)),
        List.of(new ClientQuotaAlteration.Op(key, value)));
  }

  static KafkaProducer<byte[], byte[]> producer(EmbeddedBroker broker, String clientId) {
    Properties props = KafkaClients.producer(broker.bootstrapServers());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(256 * 1024));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    return new KafkaProducer<>(props);
  }

  static KafkaConsumer<byte[], byte[]> consumer(EmbeddedBroker broker, String clientId) {
    Properties props = KafkaClients.consumer(broker.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 * 1024));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024));
    return new KafkaConsumer<>(props);
  }

  /** A client metric's value by name (NaN is read as 0: nothing recorded yet). */
  static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      if (e.getKey().name().equals(name)) {
        Object value = e.getValue().metricValue();
        double d = value instanceof Number n ? n.doubleValue() : 0;
        return Double.isNaN(d) ? 0 : d;
      }
    }
    throw new AssertionError("no metric " + name);
  }
}
