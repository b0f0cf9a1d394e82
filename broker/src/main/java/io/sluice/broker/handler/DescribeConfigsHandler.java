package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Describes the configuration of topics (every topic-level key, with overrides marked {@code
 * TOPIC_CONFIG}) and of this broker (every key, read-only), with sources, synonyms (v1+) and types
 * and documentation (v3+), as Kafka answers. A resource that cannot be described carries its own
 * error; the others are still answered. Answers from memory, on the event loop.
 */
final class DescribeConfigsHandler extends VersionedHandler {
  private final ConfigEntries entries;
  private final ClusterMetadata metadata;
  private final TopicAdmin admin;
  private final Authorization authorization;

  DescribeConfigsHandler(
      ConfigEntries entries,
      ClusterMetadata metadata,
      TopicAdmin admin,
      Authorization authorization) {
    super(ApiKey.DESCRIBE_CONFIGS, 1, 4);
    this.entries = entries;
    this.metadata = metadata;
    this.admin = admin;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeConfigsRequest req = DescribeConfigsRequest.read(request.reader(), version);
    DescribeConfigsResponse response = new DescribeConfigsResponse();
    for (DescribeConfigsRequest.DescribeConfigsResource resource : req.resources()) {
      DescribeConfigsResponse.DescribeConfigsResult result =
          new DescribeConfigsResponse.DescribeConfigsResult()
              .setResourceType(resource.resourceType())
              .setResourceName(resource.resourceName());
      Errors refused =
          authorization.configResource(
              request,
              resource.resourceType(),
              resource.resourceName(),
              AclOperation.DESCRIBE_CONFIGS);
      if (refused != Errors.NONE) {
        response.results().add(result.setErrorCode(refused.code()));
        continue;
      }
      try {
        List<ConfigEntries.Entry> found = describe(resource);
        Set<String> wanted =
            resource.configurationKeys() == null
                ? null
                : new HashSet<>(resource.configurationKeys());
        for (ConfigEntries.Entry entry : found) {
          if (wanted == null || wanted.contains(entry.name())) {
            result.configs().add(toWire(entry, req.includeSynonyms(), req.includeDocumentation()));
          }
        }
        result.setErrorCode(Errors.NONE.code());
      } catch (SluiceException e) {
        result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
      }
      response.results().add(result);
    }
    responder.respond(response, version);
  }

  private List<ConfigEntries.Entry> describe(DescribeConfigsRequest.DescribeConfigsResource r) {
    String name = r.resourceName();
    switch (r.resourceType()) {
      case ConfigEntries.TOPIC -> {
        if (!TopicNames.isValid(name)) {
          throw new SluiceException(
              Errors.INVALID_TOPIC_EXCEPTION, "Topic name '" + name + "' is illegal");
        }
        if (!metadata.exists(name)) {
          throw new SluiceException(
              Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + name + "' does not exist.");
        }
        return entries.topic(admin.topicConfig(name));
      }
      case ConfigEntries.BROKER -> {
        if (name.isEmpty()) {
          return List.of(); // the cluster-wide dynamic defaults: Sluice has none
        }
        checkBrokerId(name, metadata.localNodeId());
        return entries.broker();
      }
      default ->
          throw new SluiceException(
              Errors.INVALID_REQUEST, "Unsupported resource type " + r.resourceType());
    }
  }

  /** Kafka's checks of a broker resource's name: this broker's id (or empty, handled before). */
  static void checkBrokerId(String name, int localNodeId) {
    int id;
    try {
      id = Integer.parseInt(name);
    } catch (NumberFormatException e) {
      throw new SluiceException(
          Errors.INVALID_REQUEST, "Broker id must be an integer, but it is: " + name);
    }
    if (id != localNodeId) {
      throw new SluiceException(
          Errors.INVALID_REQUEST,
          "Unexpected broker id, expected "
              + localNodeId
              + " or empty string, but received "
              + name);
    }
  }

  /**
   * Whether a key holds a secret (Kafka's PASSWORD-type keys: the store and key passwords, an
   * inline PEM private key, JAAS configurations with their passwords), alone or in its {@code
   * listener.name.<l>.} form. Its value is never sent: Kafka answers null and {@code isSensitive}.
   */
  static boolean sensitive(String key) {
    String k = key.startsWith("listener.name.") ? key.substring(key.indexOf('.', 14) + 1) : key;
    return k.contains("password") || k.equals("ssl.keystore.key") || k.endsWith("sasl.jaas.config");
  }

  private static DescribeConfigsResponse.DescribeConfigsResourceResult toWire(
      ConfigEntries.Entry entry, boolean synonyms, boolean documentation) {
    boolean secret = sensitive(entry.name());
    List<DescribeConfigsResponse.DescribeConfigsSynonym> wireSynonyms = new ArrayList<>();
    if (synonyms) {
      for (ConfigEntries.Synonym s : entry.synonyms()) {
        wireSynonyms.add(
            new DescribeConfigsResponse.DescribeConfigsSynonym()
                .setName(s.name())
                .setValue(secret || sensitive(s.name()) ? null : s.value())
                .setSource(s.source()));
      }
    }
    return new DescribeConfigsResponse.DescribeConfigsResourceResult()
        .setName(entry.name())
        .setValue(secret ? null : entry.value())
        .setReadOnly(entry.readOnly())
        .setConfigSource(entry.source())
        .setIsSensitive(secret)
        .setSynonyms(wireSynonyms)
        .setConfigType(entry.type())
        .setDocumentation(documentation ? entry.doc() : null);
  }
}
