package io.sluice.client.serialization;

/** A long as 8 bytes, big-endian: the bytes Kafka's {@code LongSerializer} writes. */
public final class LongSerializer implements Serializer<Long> {
  @Override
  public byte[] serialize(String topic, Long data) {
    if (data == null) {
      return null;
    }
    long value = data;
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return bytes;
  }
}
