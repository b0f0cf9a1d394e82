package io.sluice.client.internal.group;

import io.sluice.client.SluiceClientException;

/**
 * The member's standing in its group, shared by the application thread (which joins), the I/O
 * thread (which completes joins) and the heartbeat thread (which learns of rebalances).
 *
 * <p>Invariants: {@code stable} implies {@code generationId >= 0} and a non-empty member id; a
 * rejoin request or an expiry clears {@code stable} only through {@link #startJoin} or {@link
 * #expire}, so the application thread always sees one of them and rejoins.
 *
 * <p>Thread-safe: every method is synchronized on this object, and none calls out while holding it.
 */
final class MemberState {
  /** A generation of the group as this member knows it. */
  record Generation(int generationId, String memberId, String protocolName) {}

  private String memberId = "";
  private int generationId = -1;
  private String protocolName;
  private boolean stable;
  private boolean rejoinRequested;
  private boolean lost;
  private RuntimeException fatal;
  private long lastPollMs;

  synchronized String memberId() {
    return memberId;
  }

  synchronized void memberId(String id) {
    this.memberId = id;
  }

  synchronized Generation generation() {
    return new Generation(generationId, memberId, protocolName);
  }

  /** A JoinGroup succeeded: the member is in {@code generationId}, not yet with an assignment. */
  synchronized void joined(int generation, String id, String protocol) {
    this.generationId = generation;
    this.memberId = id;
    this.protocolName = protocol;
  }

  /** The SyncGroup of the current generation succeeded: heartbeats start. */
  synchronized void synced() {
    stable = true;
  }

  synchronized boolean stable() {
    return stable;
  }

  /** The application thread starts a (re)join: heartbeats stop until the next sync. */
  synchronized void startJoin() {
    stable = false;
    rejoinRequested = false;
    lost = false;
  }

  /** True when the application thread must rejoin at its next poll. */
  synchronized boolean needsJoin() {
    return !stable || rejoinRequested;
  }

  /**
   * The coordinator started a rebalance of {@code generation} (or no longer knows it); ignored
   * unless the member still holds that generation.
   */
  synchronized void requestRejoin(int generation) {
    // A late heartbeat answer about a generation the member is already leaving must not
    // request a second rejoin after the one under way.
    if (stable && generation == generationId) {
      rejoinRequested = true;
    }
  }

  /** A heartbeat of {@code generation} found the member id unknown: rejoin without it. */
  synchronized void unknownMember(int generation) {
    if (stable && generation == generationId) {
      memberId = "";
      generationId = -1;
      stable = false;
    }
  }

  /** The coordinator no longer knows the member id: the next join starts without one. */
  synchronized void resetMember() {
    memberId = "";
    generationId = -1;
    stable = false;
  }

  /**
   * The member left or was expelled while the application held partitions: they are lost, not
   * revoked (a commit would be rejected).
   */
  synchronized void expire(boolean keepMemberId) {
    if (!keepMemberId) {
      memberId = "";
    }
    generationId = -1;
    stable = false;
    lost = true;
  }

  synchronized boolean lost() {
    return lost;
  }

  synchronized void fail(RuntimeException error) {
    if (fatal == null) {
      fatal = error;
    }
  }

  /** The fatal error the heartbeat thread met, once; null if none. */
  synchronized RuntimeException takeFatal() {
    RuntimeException f = fatal;
    fatal = null;
    return f;
  }

  synchronized void polled(long nowMs) {
    lastPollMs = nowMs;
  }

  synchronized long lastPollMs() {
    return lastPollMs;
  }

  static SluiceClientException error(io.sluice.protocol.Errors error, String groupId, String what) {
    return new SluiceClientException(
        error,
        null,
        what + " of group '" + groupId + "' failed: " + error,
        error.retriable(),
        null);
  }
}
