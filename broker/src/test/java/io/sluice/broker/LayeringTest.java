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
 * server or the handlers; handlers never reach into the server.
 */
class LayeringTest {
  private static final Path MAIN = Path.of("src", "main", "java", "io", "sluice", "broker");

  @Test
  void storage_importsNoNettyServerOrHandler() throws IOException {
    assertEquals(
        List.of(),
        violations(
            "storage",
            "import io.netty",
            "import io.sluice.broker.server",
            "import io.sluice.broker.handler"));
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
