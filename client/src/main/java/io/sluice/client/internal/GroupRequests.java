package io.sluice.client.internal;

import io.sluice.client.ConsumerConfig;
import io.sluice.client.internal.group.GroupClient;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import io.sluice.protocol.wire.WireReader;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The network side of group membership: JoinGroup, SyncGroup, Heartbeat and LeaveGroup at the group
 * coordinator, over connections of their own.
 *
 * <p>Why separate connections: a broker answers one connection's requests in order, and a JoinGroup
 * is parked at the coordinator until the rebalance completes (up to {@code max.poll.interval.ms});
 * on the fetch connection it would hold every fetch answer behind it, and the fetch connection's
 * {@code request.timeout.ms} would cut it off. Kafka's consumer also talks to its coordinator over
 * a connection of its own. These connections therefore wait up to the rebalance timeout plus slack.
 *
 * <p>Thread-safe.
 */
public final class GroupRequests implements GroupClient, AutoCloseable {
  /** How long past the rebalance timeout a JoinGroup may stay unanswered, as Kafka allows. */
  private static final long JOIN_SLACK_MS = 5_000;

  private final NodeConnections connections;
  private final MetadataCache metadata;
  private final OffsetCommitter committer;
  private final CoordinatorLookup coordinator;

  GroupRequests(ConsumerConfig config, MetadataCache metadata, OffsetCommitter committer) {
    this.connections =
        new NodeConnections(
            config.bootstrapServers(),
            config.clientId(),
            Math.max(config.requestTimeoutMs(), config.maxPollIntervalMs() + JOIN_SLACK_MS),
            1 << 20,
            "sluice-group-io",
            config.security());
    this.metadata = metadata;
    this.committer = committer;
    this.coordinator = new CoordinatorLookup(connections, config.groupId());
  }

  @Override
  public CompletableFuture<JoinGroupResponse> joinGroup(JoinGroupRequest request, long timeoutMs) {
    return send(ApiKey.JOIN_GROUP, request, JoinGroupResponse::read);
  }

  @Override
  public CompletableFuture<SyncGroupResponse> syncGroup(SyncGroupRequest request) {
    return send(ApiKey.SYNC_GROUP, request, SyncGroupResponse::read);
  }

  @Override
  public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    return send(ApiKey.HEARTBEAT, request, HeartbeatResponse::read);
  }

  @Override
  public CompletableFuture<LeaveGroupResponse> leaveGroup(LeaveGroupRequest request) {
    return send(ApiKey.LEAVE_GROUP, request, LeaveGroupResponse::read);
  }

  @Override
  public void coordinatorUnknown() {
    coordinator.reset();
  }

  @Override
  public CompletableFuture<Map<String, Integer>> partitionCounts(Collection<String> topics) {
    if (topics.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return metadata
        .refresh(List.copyOf(topics), false)
        .thenApply(
            infos -> {
              Map<String, Integer> counts = new HashMap<>();
              infos.forEach(
                  (name, info) -> {
                    if (info.error() == Errors.NONE) {
                      counts.put(name, info.partitionCount());
                    }
                  });
              return counts;
            });
  }

  @Override
  public CompletableFuture<Set<String>> topicNames() {
    return metadata.refresh(null, false).thenApply(infos -> Set.copyOf(infos.keySet()));
  }

  @Override
  public void commitIdentity(int generationId, String memberId, String groupInstanceId) {
    committer.identity(generationId, memberId, groupInstanceId);
  }

  private <R> CompletableFuture<R> send(
      ApiKey api, ApiMessage request, BiFunction<WireReader, Short, R> parser) {
    return coordinator.send(api, request, parser);
  }

  @Override
  public void close() {
    connections.close();
  }
}
