package io.sluice.client.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The built-in serializers write the bytes Kafka's write, and configured classes load. */
class SerializersTest {
  @Test
  void longAndString_sameBytesAsKafkasSerializers() {
    try (org.apache.kafka.common.serialization.LongSerializer kafkaLong =
            new org.apache.kafka.common.serialization.LongSerializer();
        org.apache.kafka.common.serialization.StringSerializer kafkaString =
            new org.apache.kafka.common.serialization.StringSerializer()) {
      for (long v :
          new long[] {0, 1, -1, 255, 256, Long.MIN_VALUE, Long.MAX_VALUE, 1234567890123L}) {
        byte[] ours = new LongSerializer().serialize("t", v);
        assertArrayEquals(kafkaLong.serialize("t", v), ours, "value " + v);
        assertEquals(v, new LongDeserializer().deserialize("t", ours));
      }
      String text = "grüße, 世界";
      byte[] ours = new StringSerializer().serialize("t", text);
      assertArrayEquals(kafkaString.serialize("t", text), ours);
      assertEquals(text, new StringDeserializer().deserialize("t", ours));
    }
    assertNull(new LongSerializer().serialize("t", null));
    assertNull(new StringDeserializer().deserialize("t", null));
    byte[] raw = {1, 2, 3};
    assertSame(raw, new ByteArraySerializer().serialize("t", raw));
  }

  @Test
  void longDeserializer_wrongLength_failsNamingTopic() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> new LongDeserializer().deserialize("prices", new byte[3]));
    assertEquals("a long is 8 bytes, but a record of topic prices has 3", e.getMessage());
  }

  @Test
  void instantiate_ourNamesKafkasNamesAndUserClasses() {
    assertInstanceOf(
        StringSerializer.class,
        Serdes.instantiate(
            "key.serializer",
            "org.apache.kafka.common.serialization.StringSerializer",
            Serializer.class));
    assertInstanceOf(
        LongDeserializer.class,
        Serdes.instantiate("k", LongDeserializer.class.getName(), Deserializer.class));
    assertInstanceOf(
        Upper.class,
        Serdes.instantiate("value.serializer", Upper.class.getName(), Serializer.class));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> Serdes.instantiate("value.serializer", "com.example.Nope", Serializer.class));
    assertEquals(
        "invalid value value.serializer=com.example.Nope: class not found", missing.getMessage());
    IllegalArgumentException wrongType =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Serdes.instantiate(
                    "key.deserializer", StringSerializer.class.getName(), Deserializer.class));
    assertEquals(
        "invalid value key.deserializer="
            + StringSerializer.class.getName()
            + ": does not implement "
            + Deserializer.class.getName(),
        wrongType.getMessage());
  }

  /** A user's own serializer, loaded by class name. */
  public static final class Upper implements Serializer<String> {
    @Override
    public byte[] serialize(String topic, String data) {
      return data.toUpperCase(java.util.Locale.ROOT)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
