package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;

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

  GroupOwnership(ClusterMetadata metadata) {
    this.metadata = metadata;
  }

  /** True if this broker is the group's coordinator now. A null group id counts as "". */
  boolean coordinates(String groupId) {
    return metadata.coordinatorNodeId(groupId == null ? "" : groupId) == metadata.localNodeId();
  }
}
