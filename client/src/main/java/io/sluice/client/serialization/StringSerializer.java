package io.sluice.client.serialization;

import java.nio.charset.StandardCharsets;

/** A string as UTF-8 (Kafka's {@code StringSerializer} default encoding). */
public final class StringSerializer implements Serializer<String> {
  @Override
  public byte[] serialize(String topic, String data) {
    return data == null ? null : data.getBytes(StandardCharsets.UTF_8);
  }
}
