package io.sluice.broker.storage;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A topic's configuration overrides, stored in each of its partition directories as {@code
 * topic.config}: one {@code key=value} line per override, in {@code java.util.Properties} syntax
 * (no file when the topic has none). Every partition holds a copy, so the overrides live and die
 * with the topic's data, whichever log directories its partitions are in. The copy of the lowest
 * partition is authoritative: a crash while the copies are being rewritten is repaired at the next
 * start from it. Written with {@link DurableFile} (a crash leaves the old file or the new).
 * Stateless.
 */
final class TopicConfigFile {
  static final String NAME = "topic.config";

  private TopicConfigFile() {}

  /** The overrides stored in {@code partitionDir}; empty when it has no file. */
  static Map<String, String> read(Path partitionDir) throws IOException {
    String text;
    try {
      text = Files.readString(partitionDir.resolve(NAME), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    Map<String, String> overrides = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      overrides.put(name, properties.getProperty(name));
    }
    return Map.copyOf(overrides);
  }

  /** Replaces the overrides stored in {@code partitionDir} durably (an empty map deletes them). */
  static void write(FileIo io, Path partitionDir, Map<String, String> overrides)
      throws IOException {
    Path file = partitionDir.resolve(NAME);
    if (overrides.isEmpty()) {
      if (Files.exists(file)) {
        io.deleteIfExists(file);
        io.fsyncDirectory(partitionDir);
      }
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
      text.append(escape(e.getKey())).append('=').append(escape(e.getValue())).append('\n');
    }
    DurableFile.replace(io, file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Escapes what Properties would read differently: backslashes, separators, line breaks. */
  private static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\', '=', ':', '#', '!', ' ' -> out.append('\\').append(c);
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
