package io.sluice.client.internal.group;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A coordinator that answers from a script: each request takes the next scripted answer of its API
 * (a response or a failure) and is recorded, so tests assert on what the member sent. A request
 * with no answer scripted stays pending. Not thread-safe; tests drive it from one thread.
 */
final class ScriptedGroupClient implements GroupClient {
  final List<JoinGroupRequest> joins = new ArrayList<>();
  final List<SyncGroupRequest> syncs = new ArrayList<>();
  final List<HeartbeatRequest> heartbeats = new ArrayList<>();
  final List<LeaveGroupRequest> leaves = new ArrayList<>();
  final List<String> commitIdentities = new ArrayList<>();
  final ArrayDeque<Object> joinAnswers = new ArrayDeque<>();
  final ArrayDeque<Object> syncAnswers = new ArrayDeque<>();
  final ArrayDeque<Object> heartbeatAnswers = new ArrayDeque<>();
  final Map<String, Integer> partitionCounts = new HashMap<>();
  final Set<String> topicNames = new java.util.TreeSet<>();
  int coordinatorLookups;

  static JoinGroupResponse joinError(Errors error, String memberId) {
    return new JoinGroupResponse().setErrorCode(error.code()).setMemberId(memberId);
  }

  static JoinGroupResponse joined(int generation, String memberId, String leader, String protocol) {
    return new JoinGroupResponse()
        .setGenerationId(generation)
        .setMemberId(memberId)
        .setLeader(leader)
        .setProtocolType("consumer")
        .setProtocolName(protocol);
  }

  static SyncGroupResponse synced(List<io.sluice.client.TopicPartition> partitions) {
    return new SyncGroupResponse().setAssignment(ConsumerProtocol.assignment(partitions));
  }

  static HeartbeatResponse heartbeat(Errors error) {
    return new HeartbeatResponse().setErrorCode(error.code());
  }

  static SluiceClientException connectionLost() {
    return new SluiceClientException(Errors.NETWORK_EXCEPTION, null, "connection lost", true, null);
  }

  @Override
  public CompletableFuture<JoinGroupResponse> joinGroup(JoinGroupRequest request, long timeoutMs) {
    joins.add(request);
    return answer(joinAnswers);
  }

  @Override
  public CompletableFuture<SyncGroupResponse> syncGroup(SyncGroupRequest request) {
    syncs.add(request);
    return answer(syncAnswers);
  }

  @Override
  public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    heartbeats.add(request);
    return answer(heartbeatAnswers);
  }

  @Override
  public CompletableFuture<LeaveGroupResponse> leaveGroup(LeaveGroupRequest request) {
    leaves.add(request);
    return CompletableFuture.completedFuture(new LeaveGroupResponse());
  }

  @Override
  public void coordinatorUnknown() {
    coordinatorLookups++;
  }

  @Override
  public CompletableFuture<Map<String, Integer>> partitionCounts(Collection<String> topics) {
    Map<String, Integer> result = new HashMap<>();
    for (String t : topics) {
      if (partitionCounts.containsKey(t)) {
        result.put(t, partitionCounts.get(t));
      }
    }
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public CompletableFuture<Set<String>> topicNames() {
    return CompletableFuture.completedFuture(Set.copyOf(topicNames));
  }

  @Override
  public void commitIdentity(int generationId, String memberId, String groupInstanceId) {
    commitIdentities.add(generationId + "/" + memberId);
  }

  @SuppressWarnings("unchecked")
  private static <T> CompletableFuture<T> answer(ArrayDeque<Object> script) {
    Object next = script.pollFirst();
    if (next == null) {
      return new CompletableFuture<>();
    }
    if (next instanceof CompletableFuture<?> pending) {
      return (CompletableFuture<T>) pending; // completed later by the test
    }
    if (next instanceof Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
    return CompletableFuture.completedFuture((T) next);
  }
}
