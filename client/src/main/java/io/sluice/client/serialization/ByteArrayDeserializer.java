package io.sluice.client.serialization;

/** Bytes as they are (the consumer already copies them out of its buffers). The default. */
public final class ByteArrayDeserializer implements Deserializer<byte[]> {
  @Override
  public byte[] deserialize(String topic, byte[] data) {
    return data;
  }
}
