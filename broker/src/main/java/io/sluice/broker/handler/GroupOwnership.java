package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.Errors;

/**
 * Whether this broker coordinates a group right now: the group's coordinator, as {@link
 * ClusterMetadata#coordinatorNodeId} names it (and FindCoordinator answers), is this broker. On a
 * single node it always is. In a cluster a group's coordinator slot moves when a broker joins or
 * leaves; the group handlers then answer {@code NOT_COORDINATOR} here, so that clients find the new
 * coordinator instead of going on with a group this broker no longer coordinates.
 *
 * <p>Thread-safe and non-blocking: one read of the metadata view per call.
 */
final class GroupOwnership {
  private final ClusterMetadata metadata;
  private final Authorization authorization;

  GroupOwnership(ClusterMetadata metadata, Authorization authorization) {
    this.metadata = metadata;
    this.authorization = authorization;
  }

  /**
   * Why a group request may not go on here, or NONE: {@code GROUP_AUTHORIZATION_FAILED} when the
   * request may not do {@code op} on the group (checked first, as in Kafka, so an unauthorized
   * client learns nothing about where the group lives), else {@code NOT_COORDINATOR} when another
   * broker coordinates it.
   */
  Errors refusal(Request request, String groupId, AclOperation op) {
    String group = groupId == null ? "" : groupId;
    if (!authorization.group(request, op, group)) {
      return Errors.GROUP_AUTHORIZATION_FAILED;
    }
    return coordinates(group) ? Errors.NONE : Errors.NOT_COORDINATOR;
  }

  /** True if this broker is the group's coordinator now. A null group id counts as "". */
  boolean coordinates(String groupId) {
    return metadata.coordinatorNodeId(groupId == null ? "" : groupId) == metadata.localNodeId();
  }
}
