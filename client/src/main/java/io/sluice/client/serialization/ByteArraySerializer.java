package io.sluice.client.serialization;

/** Bytes as they are: the array itself is sent (not copied). The producer's default. */
public final class ByteArraySerializer implements Serializer<byte[]> {
  @Override
  public byte[] serialize(String topic, byte[] data) {
    return data;
  }
}
