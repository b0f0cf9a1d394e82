package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Grows topics to a new partition count (Kafka's CreatePartitions), through the {@link TopicAdmin}
 * off the event loop; the new partitions get the topic's configuration. A shrink or an unchanged
 * count gets {@code INVALID_PARTITIONS} with Kafka's message; explicit replica assignments must
 * name only this broker ({@code INVALID_REPLICA_ASSIGNMENT}); at most {@link
 * CreateTopicsHandler#MAX_PARTITIONS} partitions are added per topic and request.
 */
final class CreatePartitionsHandler extends VersionedHandler {
  private final ClusterMetadata metadata;
  private final TopicAdmin admin;
  private final Authorization authorization;

  CreatePartitionsHandler(ClusterMetadata metadata, TopicAdmin admin, Authorization authorization) {
    super(ApiKey.CREATE_PARTITIONS, 0, 3);
    this.metadata = metadata;
    this.admin = admin;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    CreatePartitionsRequest req = CreatePartitionsRequest.read(request.reader(), version);
    List<CreatePartitionsRequest.CreatePartitionsTopic> topics = List.copyOf(req.topics());
    List<CompletableFuture<ConfigAlteration.Outcome>> outcomes = new ArrayList<>();
    for (CreatePartitionsRequest.CreatePartitionsTopic topic : topics) {
      outcomes.add(
          authorization.topic(request, AclOperation.ALTER, topic.name())
              ? grow(topic, req.validateOnly())
              : CompletableFuture.completedFuture(
                  new ConfigAlteration.Outcome(Errors.TOPIC_AUTHORIZATION_FAILED, null)));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              CreatePartitionsResponse response = new CreatePartitionsResponse();
              for (int i = 0; i < topics.size(); i++) {
                ConfigAlteration.Outcome outcome = outcomes.get(i).join();
                response
                    .results()
                    .add(
                        new CreatePartitionsResponse.CreatePartitionsTopicResult()
                            .setName(topics.get(i).name())
                            .setErrorCode(outcome.error().code())
                            .setErrorMessage(outcome.message()));
              }
              responder.respond(response, version);
            });
  }

  private CompletableFuture<ConfigAlteration.Outcome> grow(
      CreatePartitionsRequest.CreatePartitionsTopic topic, boolean validateOnly) {
    int current = metadata.partitionCount(topic.name());
    if (current > 0 && topic.count() - current > CreateTopicsHandler.MAX_PARTITIONS) {
      return done(
          Errors.INVALID_PARTITIONS,
          "adding "
              + (topic.count() - current)
              + " partitions exceeds the maximum of "
              + CreateTopicsHandler.MAX_PARTITIONS
              + " per request");
    }
    if (topic.assignments() != null) {
      if (current > 0 && topic.assignments().size() != topic.count() - current) {
        return done(
            Errors.INVALID_REPLICA_ASSIGNMENT,
            "Increasing the number of partitions by "
                + (topic.count() - current)
                + " but "
                + topic.assignments().size()
                + " assignments provided.");
      }
      for (CreatePartitionsRequest.CreatePartitionsAssignment a : topic.assignments()) {
        if (!a.brokerIds().equals(List.of(metadata.localNodeId()))) {
          return done(
              Errors.INVALID_REPLICA_ASSIGNMENT,
              "replica assignment "
                  + a.brokerIds()
                  + ": each new partition has one replica, "
                  + "broker "
                  + metadata.localNodeId());
        }
      }
    }
    return admin
        .createPartitions(topic.name(), topic.count(), validateOnly)
        .handle(
            (ok, failure) ->
                failure == null ? ConfigAlteration.Outcome.OK : ConfigAlteration.outcome(failure));
  }

  private static CompletableFuture<ConfigAlteration.Outcome> done(Errors error, String message) {
    return CompletableFuture.completedFuture(new ConfigAlteration.Outcome(error, message));
  }
}
