package io.sluice.broker.group;

/**
 * A member named in a LeaveGroup: by member id, or (static members, LeaveGroup v3+) by instance id,
 * with the member id either {@code ""} or the id it must match.
 */
public record MemberIdentity(String memberId, String groupInstanceId) {
  public MemberIdentity {
    memberId = memberId == null ? "" : memberId;
  }
}
