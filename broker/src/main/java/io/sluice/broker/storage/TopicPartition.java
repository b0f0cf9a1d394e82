package io.sluice.broker.storage;

import java.util.Objects;

/**
 * A topic name and a partition number. Its directory name on disk is {@code <topic>-<partition>},
 * as in Kafka; the partition is taken after the last dash because topic names may contain dashes.
 */
public record TopicPartition(String topic, int partition) {

  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty() || topic.contains("/") || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("invalid topic name: '" + topic + "'");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition=" + partition + " must be >= 0");
    }
  }

  /** The name of this partition's directory inside a log directory. */
  public String directoryName() {
    return topic + "-" + partition;
  }

  /**
   * Parses a partition directory name, or returns null when the name is not one (a file left by an
   * interrupted topic deletion, for example).
   */
  static TopicPartition parseDirectoryName(String name) {
    int dash = name.lastIndexOf('-');
    if (dash <= 0 || dash == name.length() - 1) {
      return null;
    }
    String digits = name.substring(dash + 1);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return null;
      }
    }
    try {
      return new TopicPartition(name.substring(0, dash), Integer.parseInt(digits));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return directoryName();
  }
}
