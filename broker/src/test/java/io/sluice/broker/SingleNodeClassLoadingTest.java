package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A single-node broker (no {@code zookeeper.connect}) starts and stops without loading one
 * ZooKeeper or Curator class: it runs in a class loader of its own, over the test class path, that
 * records every class asked of it.
 */
class SingleNodeClassLoadingTest {
  /** Records the name of every class loaded through it. */
  private static final class RecordingLoader extends URLClassLoader {
    final Set<String> requested = ConcurrentHashMap.newKeySet();

    RecordingLoader(URL[] urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      requested.add(name);
      return super.loadClass(name, resolve);
    }
  }

  private static URL[] testClassPath() throws Exception {
    // Surefire may start the JVM through a manifest-only jar; it names the real path here.
    String path =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return urls.toArray(new URL[0]);
  }

  @Test
  void aSingleNodeBrokerLoadsNoZooKeeperOrCuratorClass() throws Exception {
    try (RecordingLoader loader = new RecordingLoader(testClassPath())) {
      Class<?> embedded = loader.loadClass(EmbeddedBroker.class.getName());
      assertEquals(loader, embedded.getClassLoader(), "the broker runs in the isolated loader");
      try (AutoCloseable broker = (AutoCloseable) embedded.getMethod("start").invoke(null)) {
        assertTrue(
            ((String) embedded.getMethod("bootstrapServers").invoke(broker))
                .startsWith("127.0.0.1:"));
      }
      assertTrue(loader.requested.contains(Broker.class.getName()), "the broker was loaded");
      List<String> coordination =
          loader.requested.stream()
              .filter(
                  n -> n.startsWith("org.apache.zookeeper") || n.startsWith("org.apache.curator"))
              .sorted()
              .toList();
      assertEquals(List.of(), coordination);
      assertTrue(
          loader.requested.stream().noneMatch(n -> n.startsWith("io.sluice.broker.cluster.")),
          "no cluster-mode class either");
    }
  }

  @Test
  void theRecordingLoaderWouldSeeZooKeeperClasses() throws Exception {
    // The check above can fail: the same loader does record a ZooKeeper class when one is used.
    try (RecordingLoader loader = new RecordingLoader(testClassPath())) {
      loader.loadClass("org.apache.zookeeper.ZooKeeper");
      assertTrue(loader.requested.contains("org.apache.zookeeper.ZooKeeper"));
    }
  }
}
