package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Creates topics, with their configuration overrides (Kafka's topic-level keys; an unknown key or
 * bad value is refused with {@code INVALID_CONFIG} naming it). One broker means a replication
 * factor of 1 (or -1, "the default"); explicit replica assignments are refused rather than silently
 * ignored. The topics are created by the {@link TopicAdmin}, off the event loop; the response is
 * sent once every topic of the request has its answer, and from v5 lists each new topic's
 * configuration as DescribeConfigs would.
 */
final class CreateTopicsHandler extends VersionedHandler {
  /**
   * Partitions one request may create for a topic. Each partition is a directory with open files
   * and preallocated indexes, so a single request must not be able to exhaust them.
   */
  static final int MAX_PARTITIONS = 1000;

  private final BrokerConfig config;
  private final TopicAdmin admin;
  private final ConfigEntries entries;
  private final Authorization authorization;

  CreateTopicsHandler(BrokerConfig config, TopicAdmin admin, Authorization authorization) {
    super(ApiKey.CREATE_TOPICS, 2, 7);
    this.config = config;
    this.admin = admin;
    this.authorization = authorization;
    this.entries = new ConfigEntries(config);
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    CreateTopicsRequest req = CreateTopicsRequest.read(request.reader(), version);
    List<CompletableFuture<CreateTopicsResponse.CreatableTopicResult>> results = new ArrayList<>();
    // CREATE on the cluster allows every topic; else CREATE on each topic, as in Kafka.
    boolean clusterCreate = authorization.cluster(request, AclOperation.CREATE);
    for (CreateTopicsRequest.CreatableTopic topic : req.topics()) {
      results.add(
          clusterCreate || authorization.topic(request, AclOperation.CREATE, topic.name())
              ? create(topic, req.validateOnly())
              : refused(topic, Errors.TOPIC_AUTHORIZATION_FAILED, null));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              CreateTopicsResponse response = new CreateTopicsResponse();
              for (CompletableFuture<CreateTopicsResponse.CreatableTopicResult> result : results) {
                response.topics().add(result.join());
              }
              responder.respond(response, version);
            });
  }

  /** The topic's result: at once if the request is refused here, else once the admin answered. */
  private CompletableFuture<CreateTopicsResponse.CreatableTopicResult> create(
      CreateTopicsRequest.CreatableTopic topic, boolean validateOnly) {
    int partitions = topic.numPartitions() == -1 ? config.numPartitions() : topic.numPartitions();
    int replicationFactor =
        topic.replicationFactor() == -1
            ? config.replication().defaultReplicationFactor()
            : topic.replicationFactor();
    if (replicationFactor < 1) {
      return refused(
          topic,
          Errors.INVALID_REPLICATION_FACTOR,
          "replication factor " + topic.replicationFactor() + " must be at least 1 (or -1)");
    } else if (partitions > MAX_PARTITIONS) {
      return refused(
          topic,
          Errors.INVALID_PARTITIONS,
          "partitions=" + partitions + " exceeds the maximum of " + MAX_PARTITIONS);
    } else if (!topic.assignments().isEmpty()) {
      return refused(
          topic, Errors.INVALID_REQUEST, "explicit replica assignments are not supported");
    }
    Map<String, String> configs = new TreeMap<>();
    for (CreateTopicsRequest.CreatableTopicConfig c : topic.configs()) {
      if (c.value() == null) {
        return refused(
            topic,
            Errors.INVALID_CONFIG,
            "Null value not supported for topic configs: " + c.name());
      }
      configs.put(c.name(), c.value());
    }
    return admin
        .createTopic(topic.name(), partitions, replicationFactor, configs, validateOnly)
        .handle(
            (answer, failure) -> {
              Errors error = answer;
              if (failure != null) {
                Throwable cause =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                if (!(cause instanceof SluiceException sluice)) {
                  // Not a storage error: a bug on the admin thread.
                  return result(topic, Errors.UNKNOWN_SERVER_ERROR, String.valueOf(cause));
                }
                // The admin's own words: a collision names the existing topic, a reserved name
                // says so, a storage error says what failed.
                return result(topic, sluice.error(), sluice.getMessage());
              }
              if (error == Errors.INVALID_REPLICATION_FACTOR) {
                return result(
                    topic,
                    error,
                    "replication factor "
                        + replicationFactor
                        + " is more than the live brokers (or, on a single node, more than 1)");
              }
              if (error != Errors.NONE) {
                return result(
                    topic,
                    error,
                    error + ": topic '" + topic.name() + "' partitions=" + partitions);
              }
              return result(topic, Errors.NONE, null)
                  .setNumPartitions(partitions)
                  .setReplicationFactor((short) replicationFactor)
                  .setConfigs(configsOf(configs));
            });
  }

  /** The new topic's configuration, as DescribeConfigs lists it (its overrides validated). */
  private List<CreateTopicsResponse.CreatableTopicConfigs> configsOf(Map<String, String> given) {
    Map<String, String> overrides = new TreeMap<>();
    given.forEach((k, v) -> overrides.put(k, v.trim()));
    List<CreateTopicsResponse.CreatableTopicConfigs> list = new ArrayList<>();
    for (ConfigEntries.Entry e : entries.topic(overrides)) {
      list.add(
          new CreateTopicsResponse.CreatableTopicConfigs()
              .setName(e.name())
              .setValue(e.value())
              .setReadOnly(e.readOnly())
              .setConfigSource(e.source())
              .setIsSensitive(false));
    }
    return list;
  }

  private static CompletableFuture<CreateTopicsResponse.CreatableTopicResult> refused(
      CreateTopicsRequest.CreatableTopic topic, Errors error, String message) {
    return CompletableFuture.completedFuture(result(topic, error, message));
  }

  private static CreateTopicsResponse.CreatableTopicResult result(
      CreateTopicsRequest.CreatableTopic topic, Errors error, String message) {
    return new CreateTopicsResponse.CreatableTopicResult()
        .setName(topic.name())
        .setErrorCode(error.code())
        .setErrorMessage(message);
  }
}
