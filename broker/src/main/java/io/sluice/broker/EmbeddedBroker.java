package io.sluice.broker;

import io.sluice.broker.config.BrokerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A broker in this JVM on {@code 127.0.0.1}, port 0, for tests (here and in users' projects):
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start()) {
 *   props.put("bootstrap.servers", broker.bootstrapServers());
 *   ...
 * }
 * }</pre>
 *
 * Data lives in a fresh temporary directory, deleted on {@link #close}, or in a directory the
 * caller gives (kept). {@link #restart} stops the broker cleanly and starts it again on the same
 * data (on a new port). Not thread-safe: one test thread drives it.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Map<String, String> overrides;
  private Broker broker;

  private EmbeddedBroker(Path dataDir, boolean ownsDataDir, Map<String, String> overrides) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.overrides = Map.copyOf(overrides);
    this.broker = Broker.start(config());
  }

  /** A broker with default settings over a temporary directory. */
  public static EmbeddedBroker start() {
    return start(Map.of());
  }

  /** A broker over a temporary directory with some keys of {@code server.properties} changed. */
  public static EmbeddedBroker start(Map<String, String> overrides) {
    try {
      return new EmbeddedBroker(Files.createTempDirectory("sluice-broker-"), true, overrides);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A broker over {@code dataDir}, which it does not delete. */
  public static EmbeddedBroker start(Path dataDir, Map<String, String> overrides) {
    return new EmbeddedBroker(dataDir, false, overrides);
  }

  private BrokerConfig config() {
    Map<String, String> values = new HashMap<>();
    values.put("listeners", "PLAINTEXT://127.0.0.1:0");
    values.put("log.dirs", dataDir.toString());
    values.put("num.network.threads", "2");
    values.putAll(overrides);
    return BrokerConfig.from(values);
  }

  /** {@code host:port} for a client's {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The address clients of listener {@code listenerName} are told to use, as {@code host:port}. */
  public String bootstrapServers(String listenerName) {
    return broker.bootstrapServers(listenerName);
  }

  public Path dataDir() {
    return dataDir;
  }

  public Broker broker() {
    return broker;
  }

  /** Clean shutdown, then a start on the same data directory. */
  public void restart() {
    broker.close();
    broker = Broker.start(config());
  }

  @Override
  public void close() {
    broker.close();
    if (ownsDataDir) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + dataDir, e);
      }
    }
  }
}
