package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.TopicConfigKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: the checks of a resource, the hand-over of a
 * topic's change to the {@link TopicAdmin} (which applies it under its lock, off the event loop),
 * and the mapping of a failure to an error code and message. Broker resources are refused: Sluice's
 * broker configuration is static (set in {@code server.properties}). Thread-safe.
 */
final class ConfigAlteration {
  /** An error code and message; NONE with a null message for success. */
  record Outcome(Errors error, String message) {
    static final Outcome OK = new Outcome(Errors.NONE, null);
  }

  private final ClusterMetadata metadata;
  private final TopicAdmin admin;
  private final LogConfig brokerLog;

  ConfigAlteration(ClusterMetadata metadata, TopicAdmin admin, LogConfig brokerLog) {
    this.metadata = metadata;
    this.admin = admin;
    this.brokerLog = brokerLog;
  }

  /** The broker-wide values a topic without overrides has. */
  LogConfig brokerLog() {
    return brokerLog;
  }

  /**
   * Applies {@code change} to the resource's overrides (a topic) or refuses it (a broker, another
   * type). {@code change} may throw {@link SluiceException} to refuse.
   *
   * @param keysGiven whether the request names any key (an empty change of a broker is accepted)
   */
  CompletableFuture<Outcome> alter(
      byte type,
      String name,
      boolean keysGiven,
      UnaryOperator<java.util.Map<String, String>> change,
      boolean validateOnly) {
    try {
      switch (type) {
        case ConfigEntries.TOPIC -> {
          if (!TopicNames.isValid(name)) {
            throw new SluiceException(
                Errors.INVALID_TOPIC_EXCEPTION, "Topic name '" + name + "' is illegal");
          }
          if (!metadata.exists(name)) {
            throw new SluiceException(
                Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + name + "' does not exist.");
          }
          return admin
              .alterTopicConfig(name, change, validateOnly)
              .handle((ok, failure) -> failure == null ? Outcome.OK : outcome(failure));
        }
        case ConfigEntries.BROKER -> {
          if (!name.isEmpty()) {
            DescribeConfigsHandler.checkBrokerId(name, metadata.localNodeId());
          }
          if (keysGiven) {
            throw new SluiceException(
                Errors.INVALID_CONFIG,
                "Sluice's broker configuration is static: set it in server.properties and restart"
                    + " (topic-level keys can be changed per topic)");
          }
          return CompletableFuture.completedFuture(Outcome.OK);
        }
        default ->
            throw new SluiceException(Errors.INVALID_REQUEST, "Unsupported resource type " + type);
      }
    } catch (SluiceException e) {
      return CompletableFuture.completedFuture(new Outcome(e.error(), e.getMessage()));
    }
  }

  /** The key, or INVALID_CONFIG naming an unknown one. */
  static TopicConfigKey key(String name) {
    return TopicConfigKey.require(name);
  }

  static Outcome outcome(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof SluiceException s) {
      return new Outcome(s.error(), s.getMessage());
    }
    return new Outcome(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(cause));
  }
}
