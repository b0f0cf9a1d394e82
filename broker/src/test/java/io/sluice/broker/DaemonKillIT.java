package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as users run it, killed with {@code kill -9} in the middle of an {@code acks=all}
 * load, restarted on the same data: every acknowledged record is there, byte for byte, at the
 * offset it was acknowledged with, across several kill cycles, then a clean stop.
 */
class DaemonKillIT {
  private static final String TOPIC = "ledger";
  private static final int ACKS_BEFORE_KILL = 3_000;

  /** Two cycles by default; {@code -Dsluice.kill.cycles=20} for the long run. */
  private static final int CYCLES = Integer.getInteger("sluice.kill.cycles", 2);

  @TempDir Path dataDir;
  @TempDir Path stateDir;

  @Test
  void kill9MidLoad_restart_everyAcknowledgedRecordReadBack() throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    // offset -> value of every acknowledged record, over all cycles
    Map<Long, byte[]> acked = new ConcurrentHashMap<>();
    AtomicInteger sequence = new AtomicInteger();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      String started = daemon.start();
      assertTrue(started.contains("listening on " + daemon.bootstrapServers()), started);
      produceUntilKilled(daemon, acked, sequence);
    }
    daemon.start();
    try {
      assertAllAckedPresent(daemon.bootstrapServers(), acked);
    } finally {
      daemon.stop();
    }
  }

  /** Sends with acks=all until {@link #ACKS_BEFORE_KILL} more acks arrived, then kills -9. */
  private static void produceUntilKilled(
      DaemonProcess daemon, Map<Long, byte[]> acked, AtomicInteger sequence) throws Exception {
    Properties props = KafkaClients.producer(daemon.bootstrapServers());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
    int before = acked.size();
    AtomicBoolean killed = new AtomicBoolean();
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
    try {
      while (!killed.get()) {
        byte[] value = value(sequence.getAndIncrement());
        producer.send(
            new ProducerRecord<>(TOPIC, 0, null, value),
            (metadata, error) -> {
              if (error == null) {
                acked.put(metadata.offset(), value);
              }
            });
        if (acked.size() - before >= ACKS_BEFORE_KILL) {
          daemon.kill9();
          killed.set(true);
        }
      }
    } finally {
      producer.close(Duration.ZERO); // what was not acknowledged by now never will be
    }
    assertTrue(acked.size() - before >= ACKS_BEFORE_KILL);
  }

  private static void assertAllAckedPresent(String bootstrap, Map<Long, byte[]> acked) {
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap))) {
      consumer.assign(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertTrue(end > maxAcked, "log end " + end + " <= last acknowledged offset " + maxAcked);
      int verified = 0;
      long next = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (next < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          assertEquals(next, record.offset(), "no gap in the recovered log");
          byte[] expected = acked.get(record.offset());
          if (expected != null) {
            assertArrayEquals(expected, record.value(), "offset " + record.offset());
            verified++;
          }
          next++;
        }
      }
      assertEquals(acked.size(), verified, "acknowledged records found at their offsets");
      assertNotNull(acked.get(maxAcked));
    }
  }

  private static byte[] value(int sequence) {
    ByteBuffer value = ByteBuffer.allocate(200);
    while (value.hasRemaining()) {
      value.putInt(sequence);
    }
    return value.array();
  }
}
