package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.metadata.Topics;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import java.util.ArrayList;

/**
 * Creates topics. One broker means a replication factor of 1 (or -1, "the default"); explicit
 * replica assignments and per-topic configs are refused rather than silently ignored. The topics
 * are created on the topic-admin thread ({@link Topics#administer}), not on the event loop.
 */
final class CreateTopicsHandler extends VersionedHandler {
  /**
   * Partitions one request may create for a topic. Each partition is a directory with open files
   * and preallocated indexes, so a single request must not be able to exhaust them.
   */
  static final int MAX_PARTITIONS = 1000;

  private final BrokerConfig config;
  private final Topics topics;

  CreateTopicsHandler(BrokerConfig config, Topics topics) {
    super(ApiKey.CREATE_TOPICS, 2, 7);
    this.config = config;
    this.topics = topics;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    CreateTopicsRequest req = CreateTopicsRequest.read(request.reader(), version);
    topics
        .administer(() -> create(req))
        .whenComplete(
            (response, failure) ->
                responder.respond(response != null ? response : failed(req, failure), version));
  }

  private CreateTopicsResponse create(CreateTopicsRequest req) {
    CreateTopicsResponse response = new CreateTopicsResponse();
    for (CreateTopicsRequest.CreatableTopic topic : req.topics()) {
      int partitions = topic.numPartitions() == -1 ? config.numPartitions() : topic.numPartitions();
      CreateTopicsResponse.CreatableTopicResult out =
          new CreateTopicsResponse.CreatableTopicResult().setName(topic.name());
      Errors error;
      String message = null;
      if (topic.replicationFactor() != -1 && topic.replicationFactor() != 1) {
        error = Errors.INVALID_REPLICATION_FACTOR;
        message = "replication factor " + topic.replicationFactor() + " but 1 broker";
      } else if (partitions > MAX_PARTITIONS) {
        error = Errors.INVALID_PARTITIONS;
        message = "partitions=" + partitions + " exceeds the maximum of " + MAX_PARTITIONS;
      } else if (!topic.assignments().isEmpty()) {
        error = Errors.INVALID_REQUEST;
        message = "explicit replica assignments are not supported";
      } else if (!topic.configs().isEmpty()) {
        error = Errors.INVALID_CONFIG;
        message = "per-topic configs are not supported yet";
      } else {
        try {
          error = topics.create(topic.name(), partitions, req.validateOnly());
        } catch (SluiceException e) {
          error = e.error();
        }
        if (error != Errors.NONE) {
          message = error + ": topic '" + topic.name() + "' partitions=" + partitions;
        }
      }
      out.setErrorCode(error.code()).setErrorMessage(message);
      if (error == Errors.NONE) {
        out.setNumPartitions(partitions)
            .setReplicationFactor((short) 1)
            .setConfigs(new ArrayList<>());
      }
      response.topics().add(out);
    }
    return response;
  }

  /** Every topic failed: the admin thread threw something other than a storage error. */
  private static CreateTopicsResponse failed(CreateTopicsRequest req, Throwable failure) {
    CreateTopicsResponse response = new CreateTopicsResponse();
    for (CreateTopicsRequest.CreatableTopic topic : req.topics()) {
      response
          .topics()
          .add(
              new CreateTopicsResponse.CreatableTopicResult()
                  .setName(topic.name())
                  .setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code())
                  .setErrorMessage(String.valueOf(failure)));
    }
    return response;
  }
}
