package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.TopicConfigKey;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Changes topic configuration key by key: SET (0) a value, DELETE (1) an override (back to the
 * broker's value), APPEND (2) to or SUBTRACT (3) from a list ({@code cleanup.policy} only). The
 * operations are applied to the topic's current overrides under the admin's lock, so concurrent
 * changes of one topic do not lose each other's keys; the result is validated as a whole and
 * applied to the live logs. Each resource gets its own error. Deleting one of Kafka's replication
 * throttles (of a broker or a topic) succeeds without effect: Sluice has none.
 */
final class IncrementalAlterConfigsHandler extends VersionedHandler {
  static final byte SET = 0;
  static final byte DELETE = 1;
  static final byte APPEND = 2;
  static final byte SUBTRACT = 3;

  private final ConfigAlteration alteration;
  private final Authorization authorization;

  IncrementalAlterConfigsHandler(ConfigAlteration alteration, Authorization authorization) {
    super(ApiKey.INCREMENTAL_ALTER_CONFIGS, 0, 1);
    this.alteration = alteration;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    IncrementalAlterConfigsRequest req =
        IncrementalAlterConfigsRequest.read(request.reader(), version);
    List<IncrementalAlterConfigsRequest.AlterConfigsResource> resources = req.resources();
    List<CompletableFuture<ConfigAlteration.Outcome>> outcomes = new ArrayList<>();
    for (IncrementalAlterConfigsRequest.AlterConfigsResource resource : resources) {
      Errors refused =
          authorization.configResource(
              request,
              resource.resourceType(),
              resource.resourceName(),
              AclOperation.ALTER_CONFIGS);
      outcomes.add(
          refused != Errors.NONE
              ? CompletableFuture.completedFuture(new ConfigAlteration.Outcome(refused, null))
              : alter(resource, req.validateOnly()));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              IncrementalAlterConfigsResponse response = new IncrementalAlterConfigsResponse();
              for (int i = 0; i < resources.size(); i++) {
                ConfigAlteration.Outcome outcome = outcomes.get(i).join();
                response
                    .responses()
                    .add(
                        new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse()
                            .setErrorCode(outcome.error().code())
                            .setErrorMessage(outcome.message())
                            .setResourceType(resources.get(i).resourceType())
                            .setResourceName(resources.get(i).resourceName()));
              }
              responder.respond(response, version);
            });
  }

  /**
   * Kafka's replication throttles, broker-level rates and topic-level replica lists. Sluice has no
   * replication throttle, so none is ever set: deleting one is a no-op that succeeds (what {@code
   * kafka-reassign-partitions --verify} does when a reassignment completes), setting one is refused
   * as an unknown key.
   */
  static final Set<String> REPLICATION_THROTTLES =
      Set.of(
          "leader.replication.throttled.rate",
          "follower.replication.throttled.rate",
          "replica.alter.log.dirs.io.max.bytes.per.second",
          "leader.replication.throttled.replicas",
          "follower.replication.throttled.replicas");

  private CompletableFuture<ConfigAlteration.Outcome> alter(
      IncrementalAlterConfigsRequest.AlterConfigsResource resource, boolean validateOnly) {
    List<IncrementalAlterConfigsRequest.AlterableConfig> ops = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (IncrementalAlterConfigsRequest.AlterableConfig op : resource.configs()) {
      if (!seen.add(op.name())) {
        return CompletableFuture.completedFuture(
            new ConfigAlteration.Outcome(
                Errors.INVALID_REQUEST, "Error due to duplicate config keys: " + op.name()));
      }
      if (op.configOperation() != DELETE || !REPLICATION_THROTTLES.contains(op.name())) {
        ops.add(op);
      }
    }
    return alteration.alter(
        resource.resourceType(),
        resource.resourceName(),
        !ops.isEmpty(),
        current -> apply(current, ops),
        validateOnly);
  }

  /** The overrides after the operations; throws INVALID_CONFIG / INVALID_REQUEST to refuse. */
  private Map<String, String> apply(
      Map<String, String> current, List<IncrementalAlterConfigsRequest.AlterableConfig> ops) {
    Map<String, String> next = new TreeMap<>(current);
    for (IncrementalAlterConfigsRequest.AlterableConfig op : ops) {
      TopicConfigKey key = ConfigAlteration.key(op.name());
      switch (op.configOperation()) {
        case SET -> next.put(key.key(), key.validate(op.value()));
        case DELETE -> next.remove(key.key());
        case APPEND, SUBTRACT -> {
          if (key.type() != TopicConfigKey.Type.LIST) {
            throw new SluiceException(
                Errors.INVALID_CONFIG,
                "Config value "
                    + (op.configOperation() == APPEND ? "append" : "subtract")
                    + " is not allowed for config key: "
                    + key.key());
          }
          String existing =
              next.containsKey(key.key())
                  ? next.get(key.key())
                  : key.valueOf(alteration.brokerLog());
          Set<String> items = items(existing);
          Set<String> given = items(op.value() == null ? "" : op.value());
          if (op.configOperation() == APPEND) {
            items.addAll(given);
          } else {
            items.removeAll(given);
          }
          next.put(key.key(), key.validate(String.join(",", items)));
        }
        default ->
            throw new SluiceException(
                Errors.INVALID_REQUEST,
                "Unknown config operation " + op.configOperation() + " for " + key.key());
      }
    }
    return next;
  }

  private static Set<String> items(String list) {
    Set<String> items = new LinkedHashSet<>();
    for (String item : list.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }
}
