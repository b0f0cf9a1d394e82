package io.sluice.broker.handler;

import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes topics by name through the {@link TopicAdmin}, off the event loop; the response is sent
 * once every topic has its answer. Deletion by topic id (v6) answers {@code UNKNOWN_TOPIC_ID}.
 */
final class DeleteTopicsHandler extends VersionedHandler {
  private final TopicAdmin admin;
  private final Authorization authorization;

  DeleteTopicsHandler(TopicAdmin admin, Authorization authorization) {
    super(ApiKey.DELETE_TOPICS, 1, 6);
    this.admin = admin;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DeleteTopicsRequest req = DeleteTopicsRequest.read(request.reader(), version);
    List<String> names = new ArrayList<>();
    if (version >= 6) {
      for (DeleteTopicsRequest.DeleteTopicState state : req.topics()) {
        names.add(state.name());
      }
    } else {
      names.addAll(req.topicNames());
    }
    List<CompletableFuture<Errors>> outcomes = new ArrayList<>(names.size());
    for (String name : names) {
      outcomes.add(
          name == null
              ? CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_ID)
              : !authorization.topic(request, AclOperation.DELETE, name)
                  ? CompletableFuture.completedFuture(Errors.TOPIC_AUTHORIZATION_FAILED)
                  : admin.deleteTopic(name).exceptionally(failure -> Errors.UNKNOWN_SERVER_ERROR));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              DeleteTopicsResponse response = new DeleteTopicsResponse();
              for (int i = 0; i < names.size(); i++) {
                response
                    .responses()
                    .add(
                        new DeleteTopicsResponse.DeletableTopicResult()
                            .setName(names.get(i))
                            .setErrorCode(outcomes.get(i).join().code()));
              }
              responder.respond(response, version);
            });
  }
}
