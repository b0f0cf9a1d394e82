package io.sluice.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.sluice.broker.EmbeddedBroker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventStatistics;

/**
 * Runs sample classes under the extension through JUnit's engine test kit and checks what happens
 * to their brokers, above all when the tests fail.
 */
class SluiceBrokerExtensionTest {
  /** Brokers the sample classes saw; static because the samples run in their own instances. */
  static final List<EmbeddedBroker> SEEN = new ArrayList<>();

  @AfterEach
  void forget() {
    SEEN.clear();
  }

  @Test
  void aFailingTestStillStopsItsBrokerAndDeletesItsData() {
    EventStatistics stats = run(FailingSample.class);
    stats.started(2).failed(2);
    assertEquals(2, SEEN.size());
    for (EmbeddedBroker broker : SEEN) {
      assertStopped(broker);
    }
    assertFalse(SEEN.get(0).dataDir().equals(SEEN.get(1).dataDir()));
  }

  @Test
  void aPerClassBrokerIsStoppedAfterTheLastTest() {
    run(PerClassSample.class).started(2).succeeded(2);
    assertEquals(2, SEEN.size());
    assertTrue(SEEN.get(0) == SEEN.get(1), "one broker for the class");
    assertStopped(SEEN.get(0));
  }

  @Test
  void aMalformedOverrideNamesItself() {
    ExtensionConfigurationException e =
        assertThrows(
            ExtensionConfigurationException.class,
            () -> SluiceBrokerExtension.overrides(new String[] {"num.partitions"}));
    assertTrue(e.getMessage().contains("'num.partitions'"), e.getMessage());
    assertEquals(
        Map.of("num.partitions", "3", "log.segment.bytes", "1024"),
        SluiceBrokerExtension.overrides(
            new String[] {"num.partitions=3", " log.segment.bytes = 1024"}));
  }

  @Test
  void anUnknownConfigurationKeyFailsTheTestWithTheKeyNamed() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(BadKeySample.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(1).failed(1))
        .failed()
        .assertThatEvents()
        .allSatisfy(
            event -> {
              Throwable cause =
                  event
                      .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                      .orElseThrow()
                      .getThrowable()
                      .orElseThrow();
              assertTrue(cause.getMessage().contains("no.such.key"), cause.getMessage());
            });
  }

  private static EventStatistics run(Class<?> sample) {
    EventStatistics[] result = new EventStatistics[1];
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(sample))
        .execute()
        .testEvents()
        .assertStatistics(stats -> result[0] = stats);
    return result[0];
  }

  private static void assertStopped(EmbeddedBroker broker) {
    Path dir = broker.dataDir();
    assertFalse(Files.exists(dir), dir + " deleted");
    String[] hostPort = broker.bootstrapServers().split(":");
    assertThrows(
        ConnectException.class,
        () -> {
          try (Socket socket = new Socket()) {
            socket.connect(
                new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
          }
        },
        "nothing listens on " + broker.bootstrapServers() + " any more");
  }

  // Samples: run only through the test kit (the nested classes are not @Nested, so the engine's
  // normal discovery skips them as static member classes without test-class naming).

  @SluiceBroker
  static class FailingSample {
    EmbeddedBroker broker;

    @Test
    void fails() {
      SEEN.add(broker);
      throw new AssertionError("on purpose");
    }

    @Test
    void throwsSomethingElse() throws IOException {
      SEEN.add(broker);
      throw new IOException("on purpose");
    }
  }

  @SluiceBroker(lifecycle = SluiceBroker.Lifecycle.PER_CLASS)
  static class PerClassSample {
    @Test
    void first(EmbeddedBroker broker) {
      SEEN.add(broker);
    }

    @Test
    void second(EmbeddedBroker broker) {
      SEEN.add(broker);
    }
  }

  @SluiceBroker(overrides = "no.such.key=1")
  static class BadKeySample {
    @Test
    void neverRuns() {}
  }
}
