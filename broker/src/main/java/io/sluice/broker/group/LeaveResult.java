package io.sluice.broker.group;

import io.sluice.protocol.Errors;
import java.util.List;

/**
 * The answer to a LeaveGroup: a group-level error, and one error per member named, in request
 * order. LeaveGroup before v3 names one member and reports its error at the top level.
 */
public record LeaveResult(Errors error, List<MemberLeft> members) {
  public LeaveResult {
    members = List.copyOf(members);
  }

  /** One member's outcome. */
  public record MemberLeft(MemberIdentity member, Errors error) {}
}
