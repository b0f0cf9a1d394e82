package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.ProducerStateTable;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeProducersRequest;
import io.sluice.protocol.message.DescribeProducersResponse;

/**
 * Lists the idempotent producers with batches in each partition this broker leads (Kafka's
 * DescribeProducers): id, epoch, last sequence and the last batch's max timestamp. Sluice has no
 * transactions, so {@code currentTxnStartOffset} is always -1.
 */
final class DescribeProducersHandler extends VersionedHandler {
  private final LeaderLogs leaders;
  private final Authorization authorization;

  DescribeProducersHandler(LeaderLogs leaders, Authorization authorization) {
    super(ApiKey.DESCRIBE_PRODUCERS, 0, 0);
    this.leaders = leaders;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeProducersRequest req = DescribeProducersRequest.read(request.reader(), version);
    DescribeProducersResponse response = new DescribeProducersResponse();
    for (DescribeProducersRequest.TopicRequest topic : req.topics()) {
      DescribeProducersResponse.TopicResponse topicOut =
          new DescribeProducersResponse.TopicResponse().setName(topic.name());
      boolean allowed = authorization.topic(request, AclOperation.READ, topic.name());
      for (int partition : topic.partitionIndexes()) {
        DescribeProducersResponse.PartitionResponse out =
            new DescribeProducersResponse.PartitionResponse().setPartitionIndex(partition);
        Log log = allowed ? leaders.log(topic.name(), partition).orElse(null) : null;
        if (!allowed) {
          out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        } else if (log == null) {
          out.setErrorCode(leaders.whyNoLog(topic.name(), partition).code());
        } else {
          out.setErrorCode(Errors.NONE.code());
          for (ProducerStateTable.ProducerState p : log.activeProducers()) {
            out.activeProducers()
                .add(
                    new DescribeProducersResponse.ProducerState()
                        .setProducerId(p.producerId())
                        .setProducerEpoch(p.producerEpoch())
                        .setLastSequence(p.lastSequence())
                        .setLastTimestamp(p.lastTimestamp())
                        .setCurrentTxnStartOffset(-1));
          }
        }
        topicOut.partitions().add(out);
      }
      response.topics().add(topicOut);
    }
    responder.respond(response, version);
  }
}
