package io.sluice.client.internal.group;

import io.sluice.client.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One join of a consumer group: JoinGroup (again with the given id after {@code
 * MEMBER_ID_REQUIRED}), then, on the leader, the assignment of every member's partitions with the
 * protocol the coordinator chose, then SyncGroup. The future completes with this member's
 * partitions, or fails with a {@code SluiceClientException} carrying the coordinator's error code,
 * which {@link GroupMembership} sorts into retry, rejoin or fatal.
 *
 * <p>Thread safety: started on the application thread, continued on I/O threads; all it shares is
 * {@link MemberState}, which is thread-safe.
 */
final class JoinProcedure {
  /** How long past the rebalance timeout a JoinGroup may stay unanswered. */
  private static final long JOIN_SLACK_MS = 5_000;

  private final GroupSettings settings;
  private final GroupClient client;
  private final MemberState state;

  JoinProcedure(GroupSettings settings, GroupClient client, MemberState state) {
    this.settings = settings;
    this.client = client;
    this.state = state;
  }

  CompletableFuture<List<TopicPartition>> run(List<String> topics) {
    return join(topics, false).thenCompose(this::sync);
  }

  private CompletableFuture<JoinGroupResponse> join(List<String> topics, boolean retried) {
    List<JoinGroupRequest.JoinGroupRequestProtocol> protocols = new ArrayList<>();
    byte[] subscription = ConsumerProtocol.subscription(topics, List.of());
    for (PartitionAssignor assignor : settings.assignors()) {
      protocols.add(
          new JoinGroupRequest.JoinGroupRequestProtocol()
              .setName(assignor.name())
              .setMetadata(subscription));
    }
    JoinGroupRequest request =
        new JoinGroupRequest()
            .setGroupId(settings.groupId())
            .setSessionTimeoutMs(settings.sessionTimeoutMs())
            .setRebalanceTimeoutMs(settings.rebalanceTimeoutMs())
            .setMemberId(state.memberId())
            .setGroupInstanceId(settings.groupInstanceId())
            .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
            .setProtocols(protocols);
    return client
        .joinGroup(request, settings.rebalanceTimeoutMs() + JOIN_SLACK_MS)
        .thenCompose(
            response -> {
              Errors error = Errors.forCode(response.errorCode());
              if (error == Errors.MEMBER_ID_REQUIRED && !retried) {
                // KIP-394: the coordinator hands out the id first, so that a member lost
                // between the two calls does not hold a place in the group.
                state.memberId(response.memberId());
                return join(topics, true);
              }
              if (error != Errors.NONE) {
                throw MemberState.error(error, settings.groupId(), "JoinGroup");
              }
              state.joined(response.generationId(), response.memberId(), response.protocolName());
              return CompletableFuture.completedFuture(response);
            });
  }

  private CompletableFuture<List<TopicPartition>> sync(JoinGroupResponse joined) {
    CompletableFuture<List<SyncGroupRequest.SyncGroupRequestAssignment>> assignments =
        joined.leader().equals(joined.memberId())
            ? lead(joined)
            : CompletableFuture.completedFuture(List.of());
    return assignments
        .thenCompose(
            list ->
                client.syncGroup(
                    new SyncGroupRequest()
                        .setGroupId(settings.groupId())
                        .setGenerationId(joined.generationId())
                        .setMemberId(joined.memberId())
                        .setGroupInstanceId(settings.groupInstanceId())
                        .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
                        .setProtocolName(joined.protocolName())
                        .setAssignments(list)))
        .thenApply(response -> synced(joined, response));
  }

  private List<TopicPartition> synced(JoinGroupResponse joined, SyncGroupResponse response) {
    Errors error = Errors.forCode(response.errorCode());
    if (error != Errors.NONE) {
      throw MemberState.error(error, settings.groupId(), "SyncGroup");
    }
    List<TopicPartition> assigned = ConsumerProtocol.assignedPartitions(response.assignment());
    client.commitIdentity(joined.generationId(), joined.memberId(), settings.groupInstanceId());
    state.synced();
    return assigned;
  }

  /** The leader's part: every member's partitions, computed with the chosen assignor. */
  private CompletableFuture<List<SyncGroupRequest.SyncGroupRequestAssignment>> lead(
      JoinGroupResponse joined) {
    PartitionAssignor assignor = assignor(joined.protocolName());
    Map<String, MemberSubscription> members = new LinkedHashMap<>();
    Set<String> topics = new LinkedHashSet<>();
    for (JoinGroupResponse.JoinGroupResponseMember m : joined.members()) {
      List<String> subscribed = ConsumerProtocol.subscribedTopics(m.metadata());
      members.put(
          m.memberId(), new MemberSubscription(m.memberId(), m.groupInstanceId(), subscribed));
      topics.addAll(subscribed);
    }
    return client
        .partitionCounts(topics)
        .thenApply(
            counts -> {
              Map<String, List<TopicPartition>> result = assignor.assign(counts, members);
              List<SyncGroupRequest.SyncGroupRequestAssignment> list = new ArrayList<>();
              result.forEach(
                  (memberId, partitions) ->
                      list.add(
                          new SyncGroupRequest.SyncGroupRequestAssignment()
                              .setMemberId(memberId)
                              .setAssignment(ConsumerProtocol.assignment(partitions))));
              return list;
            });
  }

  private PartitionAssignor assignor(String protocolName) {
    for (PartitionAssignor a : settings.assignors()) {
      if (a.name().equals(protocolName)) {
        return a;
      }
    }
    throw MemberState.error(Errors.INCONSISTENT_GROUP_PROTOCOL, settings.groupId(), "assignment");
  }
}
