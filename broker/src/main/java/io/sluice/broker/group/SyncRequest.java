package io.sluice.broker.group;

import java.util.Map;

/**
 * A SyncGroup as the coordinator sees it. Only the leader's carries assignments.
 *
 * @param protocolType null when the client did not send it (SyncGroup before v5)
 * @param protocolName null when the client did not send it (SyncGroup before v5)
 * @param assignments member id to assignment bytes; empty for followers
 */
public record SyncRequest(
    String groupId,
    int generationId,
    String memberId,
    String groupInstanceId,
    String protocolType,
    String protocolName,
    Map<String, byte[]> assignments) {

  public SyncRequest {
    assignments = Map.copyOf(assignments);
  }
}
