package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Moves partitions' log start offsets (Kafka's DeleteRecords): each partition's new start is made
 * durable and the segments wholly below it deleted on the storage thread, off the event loop; the
 * answer carries each partition's new low watermark. An offset above the high watermark gets {@code
 * OFFSET_OUT_OF_RANGE}; -1 means the high watermark.
 */
final class DeleteRecordsHandler extends VersionedHandler {
  private final LeaderLogs leaders;
  private final LogManager logs;
  private final Authorization authorization;

  DeleteRecordsHandler(LeaderLogs leaders, LogManager logs, Authorization authorization) {
    super(ApiKey.DELETE_RECORDS, 0, 2);
    this.leaders = leaders;
    this.logs = logs;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DeleteRecordsRequest req = DeleteRecordsRequest.read(request.reader(), version);
    DeleteRecordsResponse response = new DeleteRecordsResponse();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (DeleteRecordsRequest.DeleteRecordsTopic topic : req.topics()) {
      DeleteRecordsResponse.DeleteRecordsTopicResult topicOut =
          new DeleteRecordsResponse.DeleteRecordsTopicResult().setName(topic.name());
      response.topics().add(topicOut);
      boolean allowed = authorization.topic(request, AclOperation.DELETE, topic.name());
      for (DeleteRecordsRequest.DeleteRecordsPartition partition : topic.partitions()) {
        DeleteRecordsResponse.DeleteRecordsPartitionResult out =
            new DeleteRecordsResponse.DeleteRecordsPartitionResult()
                .setPartitionIndex(partition.partitionIndex())
                .setLowWatermark(-1);
        topicOut.partitions().add(out);
        if (!allowed) {
          out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
          continue;
        }
        Log log = leaders.log(topic.name(), partition.partitionIndex()).orElse(null);
        if (log == null) {
          out.setErrorCode(leaders.whyNoLog(topic.name(), partition.partitionIndex()).code());
          continue;
        }
        pending.add(
            logs.deleteRecords(log.topicPartition(), partition.offset())
                .handle(
                    (lowWatermark, failure) -> {
                      if (failure == null) {
                        out.setLowWatermark(lowWatermark).setErrorCode(Errors.NONE.code());
                      } else {
                        out.setErrorCode(error(failure).code());
                      }
                      return null;
                    }));
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture<?>[]::new))
        .whenComplete((ignored, failure) -> responder.respond(response, version));
  }

  private static Errors error(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return cause instanceof SluiceException s ? s.error() : Errors.UNKNOWN_SERVER_ERROR;
  }
}
