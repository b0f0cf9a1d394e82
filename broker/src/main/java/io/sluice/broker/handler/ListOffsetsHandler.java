package io.sluice.broker.handler;

import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.TimestampOffset;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;

/**
 * Answers earliest (-2), latest (-1) and by-timestamp lookups. A by-timestamp answer carries the
 * offset and timestamp of the first record whose timestamp is at least the target, as Kafka's; for
 * a compressed batch (records not decompressed) the batch's base offset and max timestamp.
 */
final class ListOffsetsHandler extends VersionedHandler {
  static final long LATEST = -1;
  static final long EARLIEST = -2;

  private final LeaderLogs logs;

  ListOffsetsHandler(LeaderLogs logs) {
    // v7 adds max-timestamp (-3) lookups, which need a per-segment max timestamp not kept yet.
    super(ApiKey.LIST_OFFSETS, 1, 6);
    this.logs = logs;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ListOffsetsRequest req = ListOffsetsRequest.read(request.reader(), version);
    ListOffsetsResponse response = new ListOffsetsResponse();
    for (ListOffsetsRequest.ListOffsetsTopic topic : req.topics()) {
      ListOffsetsResponse.ListOffsetsTopicResponse topicOut =
          new ListOffsetsResponse.ListOffsetsTopicResponse().setName(topic.name());
      for (ListOffsetsRequest.ListOffsetsPartition partition : topic.partitions()) {
        ListOffsetsResponse.ListOffsetsPartitionResponse out =
            new ListOffsetsResponse.ListOffsetsPartitionResponse()
                .setPartitionIndex(partition.partitionIndex());
        Log log = logs.log(topic.name(), partition.partitionIndex()).orElse(null);
        if (log == null) {
          out.setErrorCode(logs.whyNoLog(topic.name(), partition.partitionIndex()).code());
        } else {
          out.setLeaderEpoch(logs.leaderEpoch(topic.name(), partition.partitionIndex()));
          lookup(log, partition.timestamp(), out);
        }
        topicOut.partitions().add(out);
      }
      response.topics().add(topicOut);
    }
    responder.respond(response, version);
  }

  private static void lookup(
      Log log, long timestamp, ListOffsetsResponse.ListOffsetsPartitionResponse out) {
    if (timestamp == EARLIEST) {
      out.setTimestamp(-1).setOffset(log.logStartOffset());
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
