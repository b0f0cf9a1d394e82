package io.sluice.client.serialization;

import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as a string (Kafka's {@code StringDeserializer} default encoding). */
public final class StringDeserializer implements Deserializer<String> {
  @Override
  public String deserialize(String topic, byte[] data) {
    return data == null ? null : new String(data, StandardCharsets.UTF_8);
  }
}
