package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked over the sources: storage knows files and bytes, never Netty, the
 * server, the handlers, the group coordinator or the cluster metadata; metadata knows neither the
 * handlers nor the server; handlers never reach into the server and own neither state nor threads
 * (the services they call do, and the composition root creates their threads). (The group
 * coordinator's own rules are in {@code group.GroupLayeringTest}.)
 */
class LayeringTest {
  private static final Path MAIN = Path.of("src", "main", "java", "io", "sluice", "broker");

  @Test
  void storage_importsNoNettyServerHandlerOrGroup() throws IOException {
    assertEquals(
        List.of(),
        violations(
            "storage",
            "import io.netty",
            "import static io.netty",
            "import io.sluice.broker.server",
            "import io.sluice.broker.handler",
            "import io.sluice.broker.group",
            "import io.sluice.broker.metadata",
            "import io.sluice.broker.purgatory"));
  }

  @Test
  void metadata_importsNoNettyServerOrHandler() throws IOException {
    assertEquals(
        List.of(),
        violations(
            "metadata",
            "import io.netty",
            "import io.sluice.broker.server",
            "import io.sluice.broker.handler"));
  }

  /** Threads and executors belong to the composition root, not to a handler. */
  @Test
  void handler_startsNoThreadAndHoldsNoExecutor() throws IOException {
    assertEquals(
        List.of(),
        usages(
            "handler",
            "new Thread",
            "Executors.",
            "ExecutorService",
            "ThreadPoolExecutor",
            "ThreadFactory",
            "import java.util.concurrent.Executor;",
            "import java.util.Timer;"));
    assertEquals(List.of(), matching("handler", EXECUTOR_OR_THREAD_FIELD));
  }

  @Test
  void handler_importsNoServer() throws IOException {
    assertEquals(List.of(), violations("handler", "import io.sluice.broker.server"));
  }

  /**
   * Config knows no Netty, server, handler or storage engine; of storage it builds only the nested
   * {@code LogConfig}, as it builds group's {@code GroupConfig}.
   */
  @Test
  void config_importsNoNettyServerHandlerOrStorageEngine() throws IOException {
    List<String> found =
        violations(
            "config",
            "import io.netty",
            "import io.sluice.broker.storage",
            "import io.sluice.broker.server",
            "import io.sluice.broker.handler",
            "import io.sluice.broker.metadata");
    found.removeIf(line -> line.endsWith(": import io.sluice.broker.storage.LogConfig;"));
    assertEquals(List.of(), found);
  }

  /** State files outside storage go through {@code storage.DurableFile}, not a copy of it. */
  @Test
  void outsideStorage_noOwnFsyncOrAtomicRename() throws IOException {
    for (String pkg :
        List.of("", "config", "group", "handler", "metadata", "purgatory", "server")) {
      assertEquals(List.of(), usages(pkg, ".force(", "ATOMIC_MOVE"), "package " + pkg);
    }
  }

  /** A field (not a local: fields are declared with a modifier) of an executor or thread type. */
  private static final Pattern EXECUTOR_OR_THREAD_FIELD =
      Pattern.compile(
          "^\\s*(private|protected|public|static|final|volatile|\\s)+"
              + "[\\w.]*(Executor|ExecutorService|EventExecutor|EventLoop|EventLoopGroup|Thread"
              + "|Timer)(<[^>]*>)?\\s+\\w+\\s*[;=].*");

  /** Lines of the package's own sources (not its subpackages) that match {@code pattern}. */
  private static List<String> matching(String pkg, Pattern pattern) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (pattern.matcher(line).matches()) {
            found.add(file.getFileName() + ": " + line.trim());
          }
        }
      }
    }
    return found;
  }

  /** Lines of the package's own sources (not its subpackages) that contain any of the strings. */
  private static List<String> usages(String pkg, String... needles) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(pkg.isEmpty() ? MAIN : MAIN.resolve(pkg))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          for (String needle : needles) {
            if (line.contains(needle)) {
              found.add(file.getFileName() + ": " + line.trim());
            }
          }
        }
      }
    }
    return found;
  }

  private static List<String> violations(String pkg, String... forbidden) throws IOException {
    List<String> found = new ArrayList<>();
    Path dir = MAIN.resolve(pkg);
    assertTrue(Files.isDirectory(dir), "run from the broker module: " + dir.toAbsolutePath());
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          for (String prefix : forbidden) {
            if (line.startsWith(prefix)) {
              found.add(file.getFileName() + ": " + line);
            }
          }
        }
      }
    }
    return found;
  }
}
