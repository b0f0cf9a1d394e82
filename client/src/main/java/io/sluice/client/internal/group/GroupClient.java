package io.sluice.client.internal.group;

import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What group membership needs from the network: the group APIs at the coordinator (found and cached
 * by the implementation) and topic metadata. Requests are written at the version agreed with the
 * coordinator; fields that version lacks are left out. Futures complete on an I/O thread,
 * exceptionally with a {@code SluiceClientException} for a broken connection or a timeout; error
 * codes inside a response are left to the caller.
 *
 * <p>Implementations are thread-safe: the heartbeat thread and the application thread both call.
 */
public interface GroupClient {
  /**
   * @param timeoutMs how long the broker may hold the request: the rebalance timeout, plus slack
   */
  CompletableFuture<JoinGroupResponse> joinGroup(JoinGroupRequest request, long timeoutMs);

  CompletableFuture<SyncGroupResponse> syncGroup(SyncGroupRequest request);

  CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request);

  CompletableFuture<LeaveGroupResponse> leaveGroup(LeaveGroupRequest request);

  /** Forgets the coordinator, so the next request looks it up again. */
  void coordinatorUnknown();

  /** The partition count of each of {@code topics} that exists. */
  CompletableFuture<Map<String, Integer>> partitionCounts(Collection<String> topics);

  /** The names of all topics, for pattern subscriptions. */
  CompletableFuture<Set<String>> topicNames();

  /**
   * The member identity that offset commits must carry from now on: generation -1 and an empty
   * member id when the consumer is not in a generation.
   */
  void commitIdentity(int generationId, String memberId, String groupInstanceId);
}
