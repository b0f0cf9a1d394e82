package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.TopicConfigKey;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.AlterConfigsRequest;
import io.sluice.protocol.message.AlterConfigsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka's older, whole-set configuration change: the request's keys become the topic's overrides,
 * and every override it does not name goes. Validated as a whole and applied to the live logs; each
 * resource gets its own error.
 */
final class AlterConfigsHandler extends VersionedHandler {
  private final ConfigAlteration alteration;
  private final Authorization authorization;

  AlterConfigsHandler(ConfigAlteration alteration, Authorization authorization) {
    super(ApiKey.ALTER_CONFIGS, 0, 2);
    this.alteration = alteration;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    AlterConfigsRequest req = AlterConfigsRequest.read(request.reader(), version);
    List<AlterConfigsRequest.AlterConfigsResource> resources = req.resources();
    List<CompletableFuture<ConfigAlteration.Outcome>> outcomes = new ArrayList<>();
    for (AlterConfigsRequest.AlterConfigsResource resource : resources) {
      List<AlterConfigsRequest.AlterableConfig> configs = List.copyOf(resource.configs());
      Errors refused =
          authorization.configResource(
              request,
              resource.resourceType(),
              resource.resourceName(),
              AclOperation.ALTER_CONFIGS);
      if (refused != Errors.NONE) {
        outcomes.add(
            CompletableFuture.completedFuture(new ConfigAlteration.Outcome(refused, null)));
        continue;
      }
      outcomes.add(
          alteration.alter(
              resource.resourceType(),
              resource.resourceName(),
              !configs.isEmpty(),
              current -> replacement(configs),
              req.validateOnly()));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              AlterConfigsResponse response = new AlterConfigsResponse();
              for (int i = 0; i < resources.size(); i++) {
                ConfigAlteration.Outcome outcome = outcomes.get(i).join();
                response
                    .responses()
                    .add(
                        new AlterConfigsResponse.AlterConfigsResourceResponse()
                            .setErrorCode(outcome.error().code())
                            .setErrorMessage(outcome.message())
                            .setResourceType(resources.get(i).resourceType())
                            .setResourceName(resources.get(i).resourceName()));
              }
              responder.respond(response, version);
            });
  }

  private static Map<String, String> replacement(List<AlterConfigsRequest.AlterableConfig> given) {
    Map<String, String> next = new TreeMap<>();
    for (AlterConfigsRequest.AlterableConfig config : given) {
      TopicConfigKey key = ConfigAlteration.key(config.name());
      next.put(key.key(), key.validate(config.value()));
    }
    return next;
  }
}
