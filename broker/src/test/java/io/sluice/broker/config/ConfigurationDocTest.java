package io.sluice.broker.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code docs/configuration.md} lists every key with its default, as a table row. */
class ConfigurationDocTest {
  @Test
  void configurationDoc_everyKeyWithDefault_listed() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (ConfigKey key : ConfigKey.values()) {
      String row = "| `" + key.key() + "` | `" + key.defaultValue() + "` |";
      assertTrue(doc.contains(row), "docs/configuration.md lacks the row starting " + row);
    }
  }
}
