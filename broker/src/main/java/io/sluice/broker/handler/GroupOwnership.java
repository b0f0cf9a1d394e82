package io.sluice.broker.handler;

import io.sluice.broker.group.OffsetStore;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.concurrent.CompletionException;

/**
 * Whether this broker coordinates a group right now, as its offset store says: on a single node it
 * coordinates every group; in a cluster it coordinates the groups of the {@code __consumer_offsets}
 * partitions it leads and has loaded. The group handlers answer anything else with the error this
 * returns, {@code NOT_COORDINATOR} (the client looks the coordinator up again) or {@code
 * COORDINATOR_LOAD_IN_PROGRESS} (the client retries), as Kafka does.
 *
 * <p>Thread-safe and non-blocking.
 */
final class GroupOwnership {
  private final OffsetStore offsets;

  GroupOwnership(OffsetStore offsets) {
    this.offsets = offsets;
  }

  /** {@code NONE} if this broker coordinates the group now. A null group id counts as "". */
  Errors check(String groupId) {
    return offsets.ownership(groupId == null ? "" : groupId);
  }

  /**
   * The error a failed group write answers with: the code of the {@link SluiceException} it failed
   * with (the offset store maps storage errors to Kafka's coordinator errors), else {@code
   * fallback}.
   */
  static Errors errorOf(Throwable failure, Errors fallback) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof SluiceException refused ? refused.error() : fallback;
  }
}
