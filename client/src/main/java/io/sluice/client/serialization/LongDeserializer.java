package io.sluice.client.serialization;

/** 8 big-endian bytes as a long, as Kafka's {@code LongDeserializer} reads them. */
public final class LongDeserializer implements Deserializer<Long> {
  @Override
  public Long deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length != 8) {
      throw new SerializationException(
          "a long is 8 bytes, but a record of topic " + topic + " has " + data.length);
    }
    long value = 0;
    for (byte b : data) {
      value = (value << 8) | (b & 0xFF);
    }
    return value;
  }
}
