package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked over the sources: storage knows files and bytes, never Netty, the
 * server, the handlers or the group coordinator; handlers never reach into the server. (The group
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
            "import io.sluice.broker.group"));
  }

  @Test
  void handler_importsNoServer() throws IOException {
    assertEquals(List.of(), violations("handler", "import io.sluice.broker.server"));
  }

  @Test
  void config_importsNoNettyStorageOrServer() throws IOException {
    assertEquals(
        List.of(),
        violations(
            "config",
            "import io.netty",
            "import io.sluice.broker.storage",
            "import io.sluice.broker.server"));
  }

  /** State files outside storage go through {@code storage.DurableFile}, not a copy of it. */
  @Test
  void outsideStorage_noOwnFsyncOrAtomicRename() throws IOException {
    for (String pkg : List.of("", "config", "group", "handler", "server")) {
      assertEquals(List.of(), usages(pkg, ".force(", "ATOMIC_MOVE"), "package " + pkg);
    }
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
