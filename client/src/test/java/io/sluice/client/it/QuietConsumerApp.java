package io.sluice.client.it;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * An application as a user writes one, run by {@link LibraryClasspathIT} in a child JVM on the
 * client's runtime class path only, with no logging configuration: it joins a group, reads until it
 * has seen {@code args[2]} records, commits and leaves. It writes nothing to stdout itself, so
 * anything there came from the library or its dependencies. Exit 0 when every record arrived.
 */
final class QuietConsumerApp {
  private QuietConsumerApp() {}

  public static void main(String[] args) {
    String bootstrap = args[0];
    String topic = args[1];
    int expected = Integer.parseInt(args[2]);
    int seen = 0;
    StringBuilder values = new StringBuilder();
    ConsumerConfig config =
        ConsumerConfig.builder()
            .bootstrapServers(bootstrap)
            .groupId("quiet-app")
            .autoOffsetReset("earliest")
            .build();
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          values.append(new String(record.value(), StandardCharsets.UTF_8)).append(' ');
          seen++;
        }
      }
      consumer.commitSync();
    }
    System.err.println("consumed " + seen + ": " + values.toString().trim());
    System.exit(seen == expected ? 0 : 2);
  }
}
