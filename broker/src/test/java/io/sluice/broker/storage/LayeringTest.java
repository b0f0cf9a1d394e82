package io.sluice.broker.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Storage knows files, offsets and bytes, never Netty (STYLE.md, DESIGN.md section 2). */
class LayeringTest {
  @Test
  void storageSources_importNothingFromNetty() throws IOException {
    Path sources = Path.of("src/main/java/io/sluice/broker/storage");
    assertTrue(
        Files.isDirectory(sources), "run from the broker module: " + sources.toAbsolutePath());
    List<String> offenders;
    try (Stream<Path> files = Files.walk(sources)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(
                  p -> {
                    try {
                      return Files.readString(p).contains("io.netty");
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .map(Path::toString)
              .toList();
    }
    assertEquals(List.of(), offenders);
  }
}
