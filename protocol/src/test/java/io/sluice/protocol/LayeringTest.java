package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The protocol module does no I/O: it only turns bytes into messages and back. Only the {@code
 * codec} package may touch Netty's channel API (to be a pipeline stage), and nothing here may open
 * files or sockets. The record package does not import Netty at all, so that storage can use it.
 */
class LayeringTest {
  private static final Path SOURCES = Path.of("src/main/java/io/sluice/protocol");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void sources_outsideCodec_doNotImportNettyChannelsOrDoIo() throws IOException {
    List<Path> sources = sources();
    assertTrue(sources.size() > 5, "found the sources: " + sources.size());
    List<String> violations =
        sources.stream()
            .filter(p -> !p.startsWith(SOURCES.resolve("codec")))
            .filter(
                p ->
                    imports(
                        p,
                        "import io.netty.channel",
                        "import io.netty.handler",
                        "import java.io.File",
                        "import java.nio.channels",
                        "import java.net"))
            .map(Path::toString)
            .toList();
    assertEquals(List.of(), violations);
  }

  @Test
  void recordPackage_doesNotImportNetty() throws IOException {
    List<String> violations =
        sources().stream()
            .filter(p -> p.startsWith(SOURCES.resolve("record")))
            .filter(p -> imports(p, "import io.netty"))
            .map(Path::toString)
            .toList();
    assertEquals(List.of(), violations);
  }

  private static boolean imports(Path file, String... prefixes) {
    try {
      for (String line : Files.readAllLines(file)) {
        for (String prefix : prefixes) {
          if (line.startsWith(prefix)) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
