package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The coordinator is a library: it knows groups, timers and files, never Netty, the server, the
 * handlers or the storage engine; of storage it uses only {@code DurableFile}, the broker's one way
 * to replace a state file durably, and the {@code TopicPartition} value that committed offsets are
 * keyed by. Handlers depend on it, not the other way round.
 */
class GroupLayeringTest {
  private static final Path SOURCES =
      Path.of("src", "main", "java", "io", "sluice", "broker", "group");
  private static final List<String> STORAGE_ALLOWED =
      List.of(
          "import io.sluice.broker.storage.DurableFile;",
          "import io.sluice.broker.storage.TopicPartition;");

  @Test
  void group_importsNoNettyServerHandlerOrStorage() throws IOException {
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("import io.netty")
              || line.startsWith("import io.sluice.broker.server")
              || line.startsWith("import io.sluice.broker.handler")
              || (line.startsWith("import io.sluice.broker.storage")
                  && !STORAGE_ALLOWED.contains(line))) {
            violations.add(file.getFileName() + ": " + line);
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }
}
