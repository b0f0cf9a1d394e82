package io.sluice.client.testing;

import io.sluice.broker.EmbeddedBroker;
import io.sluice.client.Admin;
import java.time.Duration;
import java.util.Map;

/**
 * Sluice's {@link EmbeddedBroker} (port 0, temporary data directory) for integration tests, with
 * the few helpers they share. Tests that need fault hooks use the {@link KafkaFakeBroker} or put a
 * {@link ChaosProxy} in front of this broker (by advertising the proxy's address).
 */
public final class TestBroker implements AutoCloseable {
  private final EmbeddedBroker broker;
  private boolean closed;

  private TestBroker(EmbeddedBroker broker) {
    this.broker = broker;
  }

  public static TestBroker start() {
    return start(Map.of());
  }

  /** A broker with some {@code server.properties} keys set. */
  public static TestBroker start(Map<String, String> overrides) {
    return new TestBroker(EmbeddedBroker.start(overrides));
  }

  /** {@code host:port} of the broker itself (not of a proxy it may advertise). */
  public String bootstrap() {
    return "127.0.0.1:" + port();
  }

  /** {@code host:port} of the broker's listener {@code listenerName}. */
  public String bootstrap(String listenerName) {
    return broker.bootstrapServers(listenerName);
  }

  /** The broker's data directory ({@code log.dirs}): partition directories hold the segments. */
  public java.nio.file.Path dataDir() {
    return broker.dataDir();
  }

  public int port() {
    return broker.broker().localAddress().getPort();
  }

  public void createTopic(String topic, int partitions) {
    try (Admin admin = new Admin(bootstrap(), Duration.ofSeconds(10))) {
      admin.createTopic(topic, partitions, Map.of());
    }
  }

  /** The latest offset of a partition: how many records it holds when none were deleted. */
  public long endOffset(String topic, int partition) {
    try (Admin admin = new Admin(bootstrap(), Duration.ofSeconds(10))) {
      return admin.describeTopic(topic).partitions().get(partition).latestOffset();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      broker.close();
    }
  }
}
