package io.sluice.broker.handler;

import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates and deletes topics on behalf of Metadata (auto-creation), CreateTopics and DeleteTopics.
 * Creation and deletion are serialized by this object's lock so that two clients creating the same
 * topic get one success and one {@code TOPIC_ALREADY_EXISTS}.
 */
final class Topics {
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_NAME_LENGTH = 249;

  private final LogManager logs;

  Topics(LogManager logs) {
    this.logs = logs;
  }

  /** Kafka's topic-name rules: 1..249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
  static boolean isValidName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_NAME_LENGTH
        && !name.equals(".")
        && !name.equals("..")
        && LEGAL.matcher(name).matches();
  }

  /**
   * The log of a partition named by a client, or empty if it does not exist (including names and
   * partition numbers that cannot exist: the lookup never throws on client input).
   */
  Optional<Log> log(String topic, int partition) {
    if (partition < 0 || !isValidName(topic)) {
      return Optional.empty();
    }
    return logs.log(new TopicPartition(topic, partition));
  }

  Set<String> all() {
    return logs.topics();
  }

  int partitionCount(String topic) {
    return logs.partitionCount(topic);
  }

  boolean exists(String topic) {
    return logs.partitionCount(topic) > 0;
  }

  /** Creates a topic with {@code partitions} partitions; NONE or the reason it was not. */
  synchronized Errors create(String topic, int partitions, boolean validateOnly) {
    if (!isValidName(topic)) {
      return Errors.INVALID_TOPIC_EXCEPTION;
    }
    if (partitions < 1) {
      return Errors.INVALID_PARTITIONS;
    }
    if (exists(topic)) {
      return Errors.TOPIC_ALREADY_EXISTS;
    }
    if (!validateOnly) {
      for (int p = 0; p < partitions; p++) {
        logs.createLog(new TopicPartition(topic, p));
      }
    }
    return Errors.NONE;
  }

  synchronized Errors delete(String topic) {
    if (!exists(topic)) {
      return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    logs.deleteTopic(topic);
    return Errors.NONE;
  }
}
