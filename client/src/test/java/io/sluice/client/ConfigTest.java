package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.serialization.ByteArrayDeserializer;
import io.sluice.client.serialization.Serdes;
import io.sluice.client.serialization.StringSerializer;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.CompressionType;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void producerProperties_kafkaKeyNames_applied() {
    ProducerConfig config =
        ProducerConfig.builder()
            .properties(
                Map.of(
                    "acks", "1",
                    "enable.idempotence", "false",
                    "linger.ms", "20",
                    "batch.size", "65536",
                    "buffer.memory", "1048576"))
            .build();
    assertEquals(1, config.acks());
    assertFalse(config.enableIdempotence());
    assertEquals(20, config.lingerMs());
    assertEquals(65536, config.batchSize());
    assertEquals(1048576, config.bufferMemory());
  }

  @Test
  void producerCompression_kafkaKeys_codecAndLevelOfItsOwnKey() {
    assertEquals(Compression.none(), ProducerConfig.builder().build().compression());
    assertEquals(
        Compression.of(CompressionType.ZSTD, 7),
        ProducerConfig.builder()
            .properties(
                Map.of(
                    "compression.type", "zstd",
                    "compression.zstd.level", "7",
                    "compression.gzip.level", "2"))
            .build()
            .compression());
    assertEquals(
        Compression.of(CompressionType.LZ4, 9),
        ProducerConfig.builder().compressionType(CompressionType.LZ4).build().compression());
    assertEquals(
        Compression.of(CompressionType.SNAPPY),
        ProducerConfig.builder()
            .properties(Map.of("compression.type", "Snappy"))
            .build()
            .compression());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProducerConfig.builder().properties(Map.of("compression.type", "brotli")));
    assertEquals(
        "invalid value compression.type=brotli: expected none, gzip, snappy, lz4 or zstd",
        unknown.getMessage());
    IllegalArgumentException level =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ProducerConfig.builder()
                    .properties(Map.of("compression.type", "gzip", "compression.gzip.level", "12"))
                    .build());
    assertEquals(
        "invalid value compression.gzip.level=12: gzip has no compression level 12",
        level.getMessage());
  }

  @Test
  void producerBuild_badValues_failNamingKeyAndValue() {
    IllegalArgumentException linger =
        assertThrows(
            IllegalArgumentException.class, () -> ProducerConfig.builder().lingerMs(-1).build());
    assertEquals("invalid value linger.ms=-1", linger.getMessage());
    IllegalArgumentException acks =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProducerConfig.builder().acks(1).enableIdempotence(true).build());
    assertEquals(
        "invalid value acks=1: enable.idempotence=true needs acks=all (-1);"
            + " leave it unset or set it to false",
        acks.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProducerConfig.builder().properties(Map.of("lingr.ms", "5")));
    assertEquals("unknown producer setting lingr.ms", unknown.getMessage());
    IllegalArgumentException notNumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProducerConfig.builder().properties(Map.of("batch.size", "big")));
    assertEquals("invalid value batch.size=big: not an integer", notNumber.getMessage());
  }

  @Test
  void consumerBuild_badReset_failsNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConsumerConfig.builder().autoOffsetReset("smallest").build());
    assertEquals("invalid value auto.offset.reset=smallest", e.getMessage());
    assertEquals(
        "earliest",
        ConsumerConfig.builder()
            .properties(Map.of("auto.offset.reset", "earliest"))
            .build()
            .autoOffsetReset());
  }

  @Test
  void producerAcks_notAll_idempotenceLeftUnset_turnsItOffAsKafkaDoes() {
    assertFalse(ProducerConfig.builder().acks(1).build().enableIdempotence());
    assertFalse(ProducerConfig.builder().acks(0).build().enableIdempotence());
    assertFalse(
        ProducerConfig.builder().properties(Map.of("acks", "1")).build().enableIdempotence());
    assertTrue(ProducerConfig.builder().build().enableIdempotence());
    assertTrue(ProducerConfig.builder().acks(-1).build().enableIdempotence());
    // More than 5 in flight cannot keep order with sequence numbers: off unless asked for.
    assertFalse(ProducerConfig.builder().maxInFlight(6).build().enableIdempotence());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProducerConfig.builder().maxInFlight(6).enableIdempotence(true).build());
  }

  @Test
  void properties_typedValuesAndClasses_asKafkaUsersPassThem() {
    Properties props = new Properties();
    props.put("bootstrap.servers", "h:1");
    props.put("linger.ms", 7);
    props.put("key.serializer", StringSerializer.class);
    props.put("value.serializer", "org.apache.kafka.common.serialization.LongSerializer");
    ProducerConfig config = ProducerConfig.builder().properties(Serdes.toMap(props)).build();
    assertEquals("h:1", config.bootstrapServers());
    assertEquals(7, config.lingerMs());
    assertEquals(StringSerializer.class.getName(), config.keySerializer());
    assertEquals("org.apache.kafka.common.serialization.LongSerializer", config.valueSerializer());
    ConsumerConfig consumer =
        ConsumerConfig.builder()
            .properties(
                Map.of(
                    "partition.assignment.strategy",
                    List.of("roundrobin", "range"),
                    "max.poll.records",
                    10))
            .build();
    assertEquals(List.of("roundrobin", "range"), consumer.partitionAssignmentStrategy());
    assertEquals(10, consumer.maxPollRecords());
    assertEquals(ByteArrayDeserializer.class.getName(), consumer.keyDeserializer());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConsumerConfig.builder().properties(Map.of("group.idd", "g")));
    assertEquals("unknown consumer setting group.idd", unknown.getMessage());
  }
}
