package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An offset checkpoint file in Kafka's text format ({@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}):
 *
 * <pre>
 * 0                      version
 * 2                      number of entries
 * orders 0 1234          topic partition offset
 * clicks 3 0
 * </pre>
 *
 * Written atomically by {@link DurableFile}: a temp file, fsync, rename over the old file, fsync of
 * the directory. A crash leaves the old file or the new one, never a torn one; a torn temp file is
 * ignored and removed. Stateless and thread-safe; callers serialize writes to one file.
 */
final class Checkpoint {
  private Checkpoint() {}

  static void write(FileIo io, Path file, Map<TopicPartition, Long> offsets) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("0\n").append(offsets.size()).append('\n');
    Map<String, Long> sorted = new TreeMap<>();
    offsets.forEach((tp, offset) -> sorted.put(tp.topic() + " " + tp.partition(), offset));
    sorted.forEach((key, offset) -> text.append(key).append(' ').append(offset).append('\n'));
    DurableFile.replace(io, file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a checkpoint; a missing file is empty, a malformed one is an IOException. */
  static Map<TopicPartition, Long> read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
      throw new IOException("malformed checkpoint " + file + ": bad header");
    }
    int count;
    try {
      count = Integer.parseInt(lines.get(1).trim());
    } catch (NumberFormatException e) {
      throw new IOException("malformed checkpoint " + file + ": bad count", e);
    }
    if (count != lines.size() - 2) {
      throw new IOException(
          "malformed checkpoint " + file + ": count=" + count + " lines=" + (lines.size() - 2));
    }
    Map<TopicPartition, Long> result = new HashMap<>();
    for (String line : lines.subList(2, lines.size())) {
      String[] parts = line.trim().split(" ");
      if (parts.length != 3) {
        throw new IOException("malformed checkpoint " + file + ": line '" + line + "'");
      }
      try {
        result.put(
            new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
      } catch (IllegalArgumentException e) {
        throw new IOException("malformed checkpoint " + file + ": line '" + line + "'", e);
      }
    }
    return result;
  }
}
