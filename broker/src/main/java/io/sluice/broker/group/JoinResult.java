package io.sluice.broker.group;

import io.sluice.protocol.Errors;
import java.util.List;

/**
 * The answer to a JoinGroup. The leader gets every member with its metadata for the selected
 * protocol; followers get an empty list.
 *
 * @param memberId the member's id; with {@code MEMBER_ID_REQUIRED}, the id to rejoin with
 */
public record JoinResult(
    Errors error,
    int generationId,
    String protocolType,
    String protocolName,
    String leaderId,
    String memberId,
    List<JoinedMember> members,
    boolean skipAssignment) {

  public JoinResult {
    members = List.copyOf(members);
  }

  /** A member as the leader sees it when computing the assignment. */
  public record JoinedMember(String memberId, String groupInstanceId, byte[] metadata) {}

  static JoinResult error(Errors error, String memberId) {
    return new JoinResult(error, -1, null, null, "", memberId, List.of(), false);
  }
}
