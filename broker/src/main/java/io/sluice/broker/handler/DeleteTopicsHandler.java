package io.sluice.broker.handler;

import io.sluice.broker.metadata.Topics;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes topics by name, on the topic-admin thread ({@link Topics#administer}). Deletion by topic
 * id (v6) answers {@code UNKNOWN_TOPIC_ID}.
 */
final class DeleteTopicsHandler extends VersionedHandler {
  private final Topics topics;

  DeleteTopicsHandler(Topics topics) {
    super(ApiKey.DELETE_TOPICS, 1, 6);
    this.topics = topics;
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
    topics
        .administer(() -> delete(names, null))
        .whenComplete(
            (response, failure) ->
                responder.respond(response != null ? response : delete(names, failure), version));
  }

  /** Deletes the topics; with a {@code failure}, only reports it for each of them. */
  private DeleteTopicsResponse delete(List<String> names, Throwable failure) {
    DeleteTopicsResponse response = new DeleteTopicsResponse();
    for (String name : names) {
      DeleteTopicsResponse.DeletableTopicResult out =
          new DeleteTopicsResponse.DeletableTopicResult().setName(name);
      Errors error;
      if (failure != null) {
        error = Errors.UNKNOWN_SERVER_ERROR;
      } else if (name == null) {
        error = Errors.UNKNOWN_TOPIC_ID;
      } else {
        error = topics.delete(name);
      }
      out.setErrorCode(error.code());
      response.responses().add(out);
    }
    return response;
  }
}
