package io.sluice.broker.handler;

import io.netty.buffer.Unpooled;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ConsumerProtocolSubscription;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.wire.WireReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes some committed offsets of a group, as Kafka does: {@code GROUP_ID_NOT_FOUND} for a group
 * with neither members nor offsets, {@code NON_EMPTY_GROUP} for a non-consumer group with members,
 * {@code GROUP_SUBSCRIBED_TO_TOPIC} for each partition of a topic a member subscribes to; the other
 * partitions' offsets go (answered once that is durable).
 */
final class OffsetDeleteHandler extends VersionedHandler {
  private final GroupCoordinator groups;
  private final OffsetStore offsets;
  private final GroupOwnership owned;

  OffsetDeleteHandler(GroupCoordinator groups, OffsetStore offsets, GroupOwnership owned) {
    super(ApiKey.OFFSET_DELETE, 0, 0);
    this.groups = groups;
    this.offsets = offsets;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    OffsetDeleteRequest req = OffsetDeleteRequest.read(request.reader(), version);
    String group = req.groupId();
    OffsetDeleteResponse response = new OffsetDeleteResponse();
    Errors notOwned = owned.check(group);
    if (notOwned != Errors.NONE) {
      responder.respond(response.setErrorCode(notOwned.code()), version);
      return;
    }
    GroupCoordinator.OffsetDeletion check = groups.offsetDeletion(group);
    if (check == null && offsets.committed(group).isEmpty()) {
      responder.respond(response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()), version);
      return;
    }
    if (check != null && check.error() != Errors.NONE) {
      responder.respond(response.setErrorCode(check.error().code()), version);
      return;
    }
    Set<String> subscribed = new HashSet<>();
    if (check != null) {
      for (byte[] subscription : check.subscriptions()) {
        subscribed.addAll(subscribedTopics(subscription));
      }
    }
    Set<TopicPartition> doomed = new HashSet<>();
    for (OffsetDeleteRequest.OffsetDeleteRequestTopic topic : req.topics()) {
      OffsetDeleteResponse.OffsetDeleteResponseTopic out =
          new OffsetDeleteResponse.OffsetDeleteResponseTopic().setName(topic.name());
      boolean inUse = subscribed.contains(topic.name());
      for (OffsetDeleteRequest.OffsetDeleteRequestPartition p : topic.partitions()) {
        Errors error = inUse ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
        if (!inUse && TopicNames.isValid(topic.name()) && p.partitionIndex() >= 0) {
          doomed.add(new TopicPartition(topic.name(), p.partitionIndex()));
        }
        out.partitions()
            .add(
                new OffsetDeleteResponse.OffsetDeleteResponsePartition()
                    .setPartitionIndex(p.partitionIndex())
                    .setErrorCode(error.code()));
      }
      response.topics().add(out);
    }
    offsets
        .delete(group, doomed)
        .whenComplete(
            (ok, failure) ->
                responder.respond(
                    response.setErrorCode(
                        failure == null
                            ? Errors.NONE.code()
                            : GroupOwnership.errorOf(failure, Errors.UNKNOWN_SERVER_ERROR).code()),
                    version));
  }

  /** The topics of a consumer protocol subscription; none if it does not parse. */
  private static List<String> subscribedTopics(byte[] metadata) {
    try {
      WireReader reader = new WireReader(Unpooled.wrappedBuffer(metadata));
      short version = reader.readInt16();
      return ConsumerProtocolSubscription.read(reader, version).topics();
    } catch (RuntimeException e) {
      return List.of();
    }
  }
}
