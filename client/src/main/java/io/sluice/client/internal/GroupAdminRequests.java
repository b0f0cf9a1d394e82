package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Group administration requests: ListGroups, DescribeGroups at the coordinator, all committed
 * offsets of a group (OffsetFetch with a null topic list, v2+), and commits outside membership.
 * Responses are returned as the broker sent them, error codes checked.
 *
 * <p>ListGroups goes to one broker: each broker lists the groups it coordinates, and Sluice runs as
 * a single broker today; a cluster would need one request per broker.
 *
 * <p>Thread-safe.
 */
public final class GroupAdminRequests {
  private final NodeConnections connections;

  public GroupAdminRequests(NodeConnections connections) {
    this.connections = connections;
  }

  public CompletableFuture<List<ListGroupsResponse.ListedGroup>> listGroups() {
    return connections
        .anyConnection()
        .thenCompose(
            c -> c.send(ApiKey.LIST_GROUPS, new ListGroupsRequest(), ListGroupsResponse::read))
        .thenApply(
            response -> {
              check(Errors.forCode(response.errorCode()), "list groups", null);
              return response.groups();
            });
  }

  public CompletableFuture<DescribeGroupsResponse.DescribedGroup> describeGroup(String groupId) {
    return new CoordinatorLookup(connections, groupId)
        .send(
            ApiKey.DESCRIBE_GROUPS,
            new DescribeGroupsRequest().setGroups(List.of(groupId)),
            DescribeGroupsResponse::read)
        .thenApply(
            response -> {
              DescribeGroupsResponse.DescribedGroup g = response.groups().get(0);
              if (g.errorCode() == Errors.GROUP_ID_NOT_FOUND.code()) {
                // DescribeGroups v6+ says so where earlier versions answered state Dead.
                return new DescribeGroupsResponse.DescribedGroup()
                    .setGroupId(groupId)
                    .setGroupState("Dead");
              }
              check(Errors.forCode(g.errorCode()), "describe group", groupId);
              return g;
            });
  }

  /** Every committed offset of the group, by partition in name order. */
  public CompletableFuture<Map<TopicPartition, Long>> committed(String groupId) {
    return new CoordinatorLookup(connections, groupId)
        .send(
            ApiKey.OFFSET_FETCH,
            new OffsetFetchRequest().setGroupId(groupId).setTopics(null),
            OffsetFetchResponse::read)
        .thenApply(
            response -> {
              check(Errors.forCode(response.errorCode()), "fetch offsets of group", groupId);
              Map<TopicPartition, Long> result =
                  new TreeMap<>(
                      java.util.Comparator.comparing(TopicPartition::topic)
                          .thenComparingInt(TopicPartition::partition));
              for (OffsetFetchResponse.OffsetFetchResponseTopic t : response.topics()) {
                for (OffsetFetchResponse.OffsetFetchResponsePartition p : t.partitions()) {
                  if (p.errorCode() == 0 && p.committedOffset() >= 0) {
                    result.put(
                        new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                  }
                }
              }
              return result;
            });
  }

  /**
   * Commits offsets as an administrator (generation -1, no member id): the coordinator accepts them
   * only while the group has no members.
   */
  public CompletableFuture<Void> commit(String groupId, Map<TopicPartition, Long> offsets) {
    return new OffsetCommitter(connections, groupId).commit(offsets);
  }

  /** DeleteGroups for one group. */
  public CompletableFuture<Void> deleteGroup(String groupId) {
    return new CoordinatorLookup(connections, groupId)
        .send(
            ApiKey.DELETE_GROUPS,
            new DeleteGroupsRequest().setGroupsNames(List.of(groupId)),
            DeleteGroupsResponse::read)
        .thenAccept(
            response ->
                check(
                    Errors.forCode(response.results().get(0).errorCode()),
                    "delete group",
                    groupId));
  }

  /** OffsetDelete: the group's offsets of these partitions. */
  public CompletableFuture<Void> deleteOffsets(
      String groupId, java.util.Collection<TopicPartition> partitions) {
    Map<String, OffsetDeleteRequest.OffsetDeleteRequestTopic> topics = new TreeMap<>();
    for (TopicPartition tp : partitions) {
      topics
          .computeIfAbsent(
              tp.topic(), t -> new OffsetDeleteRequest.OffsetDeleteRequestTopic().setName(t))
          .partitions()
          .add(
              new OffsetDeleteRequest.OffsetDeleteRequestPartition()
                  .setPartitionIndex(tp.partition()));
    }
    OffsetDeleteRequest request =
        new OffsetDeleteRequest()
            .setGroupId(groupId)
            .setTopics(new java.util.ArrayList<>(topics.values()));
    return new CoordinatorLookup(connections, groupId)
        .send(ApiKey.OFFSET_DELETE, request, OffsetDeleteResponse::read)
        .thenAccept(
            response -> {
              check(Errors.forCode(response.errorCode()), "delete offsets of group", groupId);
              for (OffsetDeleteResponse.OffsetDeleteResponseTopic t : response.topics()) {
                for (OffsetDeleteResponse.OffsetDeleteResponsePartition p : t.partitions()) {
                  check(
                      Errors.forCode(p.errorCode()),
                      "delete the offset of " + t.name() + "-" + p.partitionIndex() + " of group",
                      groupId);
                }
              }
            });
  }

  private static void check(Errors error, String what, String groupId) {
    if (error != Errors.NONE) {
      throw new SluiceClientException(
          error,
          null,
          "cannot " + what + (groupId == null ? "" : " '" + groupId + "'") + ": " + error);
    }
  }
}
