package io.sluice.client.testing;

import io.sluice.client.Admin;
import io.sluice.client.SluiceClientException;
import java.time.Duration;
import java.util.Map;

/**
 * A broker for integration tests: Sluice's {@code EmbeddedBroker} (port 0, temporary data
 * directory) when the broker module provides it, else the {@link KafkaFakeBroker}. Tests that need
 * fault hooks use the fake or a {@link ChaosProxy} directly.
 */
public final class TestBroker implements AutoCloseable {
  private final AutoCloseable broker;
  private final String bootstrap;
  private boolean closed;

  private TestBroker(AutoCloseable broker, String bootstrap) {
    this.broker = broker;
    this.bootstrap = bootstrap;
  }

  public static TestBroker start() {
    return start(Map.of());
  }

  /** A broker with some {@code server.properties} keys set (ignored by the fake). */
  public static TestBroker start(Map<String, String> overrides) {
    try {
      Class<?> embedded = Class.forName("io.sluice.broker.EmbeddedBroker");
      AutoCloseable broker =
          (AutoCloseable) embedded.getMethod("start", Map.class).invoke(null, overrides);
      // The bound address, not the advertised one (which may be a proxy in front of it).
      Object server = embedded.getMethod("broker").invoke(broker);
      java.net.InetSocketAddress bound =
          (java.net.InetSocketAddress) server.getClass().getMethod("localAddress").invoke(server);
      return new TestBroker(broker, "127.0.0.1:" + bound.getPort());
    } catch (ClassNotFoundException e) {
      try {
        KafkaFakeBroker fake = new KafkaFakeBroker();
        String advertised = overrides.get("advertised.listeners");
        if (advertised != null) {
          fake.advertise(Integer.parseInt(advertised.substring(advertised.lastIndexOf(':') + 1)));
        }
        return new TestBroker(fake, fake.bootstrap());
      } catch (java.io.IOException io) {
        throw new IllegalStateException(io);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start the embedded broker", e);
    }
  }

  /** {@code host:port} of the broker itself (not of any proxy it advertises). */
  public String bootstrap() {
    return bootstrap;
  }

  public int port() {
    return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
  }

  public void createTopic(String topic, int partitions) {
    try (Admin admin = new Admin(bootstrap, Duration.ofSeconds(10))) {
      admin.createTopic(topic, partitions, Map.of());
    } catch (SluiceClientException e) {
      throw new IllegalStateException("cannot create " + topic, e);
    }
  }

  /** The latest offset of a partition: how many records it holds when none were deleted. */
  public long endOffset(String topic, int partition) {
    try (Admin admin = new Admin(bootstrap, Duration.ofSeconds(10))) {
      return admin.describeTopic(topic).partitions().get(partition).latestOffset();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      broker.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the broker", e);
    }
  }
}
