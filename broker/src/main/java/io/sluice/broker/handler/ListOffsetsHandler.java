package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.TimestampOffset;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;

/**
 * Answers earliest (-2), latest (-1), max-timestamp (-3, v7+) and by-timestamp lookups, and the
 * tiered-storage ones as a broker without tiered storage does: earliest-local (-4, v8+) is the
 * earliest offset, latest-tiered (-5, v9+) and earliest-pending-upload (-6, v11+) are offset -1. A
 * by-timestamp answer carries the offset and timestamp of the first record whose timestamp is at
 * least the target, as Kafka's; for a compressed batch (records not decompressed) the batch's base
 * offset and max timestamp. A max-timestamp answer carries the largest timestamp and the last
 * offset of the first batch that holds it.
 */
final class ListOffsetsHandler extends VersionedHandler {
  static final long LATEST = -1;
  static final long EARLIEST = -2;
  static final long MAX_TIMESTAMP = -3;
  static final long EARLIEST_LOCAL = -4;
  static final long LATEST_TIERED = -5;
  static final long EARLIEST_PENDING_UPLOAD = -6;

  private final LeaderLogs logs;
  private final Authorization authorization;

  ListOffsetsHandler(LeaderLogs logs, Authorization authorization) {
    super(ApiKey.LIST_OFFSETS, 1, 11);
    this.logs = logs;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ListOffsetsRequest req = ListOffsetsRequest.read(request.reader(), version);
    ListOffsetsResponse response = new ListOffsetsResponse();
    for (ListOffsetsRequest.ListOffsetsTopic topic : req.topics()) {
      ListOffsetsResponse.ListOffsetsTopicResponse topicOut =
          new ListOffsetsResponse.ListOffsetsTopicResponse().setName(topic.name());
      boolean allowed = authorization.topic(request, AclOperation.DESCRIBE, topic.name());
      for (ListOffsetsRequest.ListOffsetsPartition partition : topic.partitions()) {
        ListOffsetsResponse.ListOffsetsPartitionResponse out =
            new ListOffsetsResponse.ListOffsetsPartitionResponse()
                .setPartitionIndex(partition.partitionIndex());
        Log log = allowed ? logs.log(topic.name(), partition.partitionIndex()).orElse(null) : null;
        if (!allowed) {
          out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        } else if (log == null) {
          out.setErrorCode(logs.whyNoLog(topic.name(), partition.partitionIndex()).code());
        } else {
          out.setLeaderEpoch(logs.leaderEpoch(topic.name(), partition.partitionIndex()));
          lookup(log, partition.timestamp(), version, out);
        }
        topicOut.partitions().add(out);
      }
      response.topics().add(topicOut);
    }
    responder.respond(response, version);
  }

  private static void lookup(
      Log log,
      long timestamp,
      short version,
      ListOffsetsResponse.ListOffsetsPartitionResponse out) {
    if (timestamp == EARLIEST || (timestamp == EARLIEST_LOCAL && version >= 8)) {
      out.setTimestamp(-1).setOffset(log.logStartOffset());
    } else if (timestamp == MAX_TIMESTAMP && version >= 7) {
      TimestampOffset found = log.maxTimestampOffset();
      out.setTimestamp(found.timestamp()).setOffset(found.offset());
    } else if ((timestamp == LATEST_TIERED && version >= 9)
        || (timestamp == EARLIEST_PENDING_UPLOAD && version >= 11)) {
      out.setTimestamp(-1).setOffset(-1);
    } else if (timestamp == LATEST) {
      out.setTimestamp(-1).setOffset(log.highWatermark());
    } else if (timestamp < 0) {
      out.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
    } else {
      TimestampOffset found = log.offsetForTimestamp(timestamp);
      out.setTimestamp(found.timestamp()).setOffset(found.offset());
    }
  }
}
