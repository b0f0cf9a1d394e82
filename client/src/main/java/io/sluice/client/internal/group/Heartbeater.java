package io.sluice.client.internal.group;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a stable member alive: a Heartbeat every {@code heartbeat.interval.ms} (at most one in
 * flight), and a LeaveGroup when the application has not polled for {@code max.poll.interval.ms},
 * as Kafka's heartbeat thread does, so that a stuck application gives its partitions back instead
 * of holding them. What the coordinator answers is recorded in {@link MemberState} for the
 * application thread to act on: a rebalance, a forgotten member id, a fatal error.
 *
 * <p>Thread safety: {@link #tick} runs on one daemon thread (or a test's thread); the fields it
 * shares with response callbacks are guarded by this object.
 */
final class Heartbeater implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);
  private static final long TICK_MS = 50;

  private final GroupSettings settings;
  private final GroupClient client;
  private final MemberState state;
  private final LongSupplier clock;
  private ScheduledExecutorService thread;
  private boolean inFlight;
  private long nextAtMs;

  Heartbeater(GroupSettings settings, GroupClient client, MemberState state, LongSupplier clock) {
    this.settings = settings;
    this.client = client;
    this.state = state;
    this.clock = clock;
  }

  /** Starts the background thread that calls {@link #tick}. */
  synchronized void start() {
    if (thread == null) {
      thread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sluice-heartbeat-" + settings.groupId());
                t.setDaemon(true);
                return t;
              });
      thread.scheduleWithFixedDelay(this::safeTick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of group '{}' failed", settings.groupId(), e);
    }
  }

  /** Sends what is due: a heartbeat, or a LeaveGroup after a missed poll deadline. */
  void tick() {
    long now = clock.getAsLong();
    MemberState.Generation generation;
    synchronized (this) {
      if (!state.stable() || inFlight || now < nextAtMs) {
        return;
      }
      generation = state.generation();
      if (now - state.lastPollMs() > settings.rebalanceTimeoutMs()) {
        expire(generation, now);
        return;
      }
      inFlight = true;
      nextAtMs = now + settings.heartbeatIntervalMs();
    }
    client
        .heartbeat(
            new HeartbeatRequest()
                .setGroupId(settings.groupId())
                .setGenerationId(generation.generationId())
                .setMemberId(generation.memberId())
                .setGroupInstanceId(settings.groupInstanceId()))
        .whenComplete((response, error) -> answered(generation, response, error));
  }

  private void answered(
      MemberState.Generation generation, HeartbeatResponse response, Throwable t) {
    synchronized (this) {
      inFlight = false;
      if (t != null) {
        // Try again soon, at a coordinator looked up afresh; the session outlives a few misses.
        nextAtMs = clock.getAsLong() + settings.retryBackoffMs();
      }
    }
    if (t != null) {
      client.coordinatorUnknown();
      return;
    }
    Errors error = Errors.forCode(response.errorCode());
    switch (error) {
      case NONE -> {}
      case REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION ->
          state.requestRejoin(generation.generationId());
      case UNKNOWN_MEMBER_ID -> state.unknownMember(generation.generationId());
      case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS ->
          client.coordinatorUnknown();
      default -> state.fail(MemberState.error(error, settings.groupId(), "Heartbeat"));
    }
  }

  /** The application missed {@code max.poll.interval.ms}: leave, so others take the partitions. */
  private void expire(MemberState.Generation generation, long now) {
    LOG.warn(
        "consumer of group '{}' did not poll for {} ms (max.poll.interval.ms={}); leaving the group",
        settings.groupId(),
        now - state.lastPollMs(),
        settings.rebalanceTimeoutMs());
    boolean staticMember = settings.groupInstanceId() != null;
    state.expire(staticMember);
    client.commitIdentity(-1, "", settings.groupInstanceId());
    if (!staticMember) {
      client
          .leaveGroup(leaveRequest(settings, generation.memberId()))
          .whenComplete(
              (r, e) -> {
                if (e != null && !(e instanceof SluiceClientException)) {
                  LOG.warn("LeaveGroup of group '{}' failed", settings.groupId(), e);
                }
              });
    }
  }

  static LeaveGroupRequest leaveRequest(GroupSettings settings, String memberId) {
    return new LeaveGroupRequest()
        .setGroupId(settings.groupId())
        .setMemberId(memberId)
        .setMembers(
            List.of(
                new LeaveGroupRequest.MemberIdentity()
                    .setMemberId(memberId)
                    .setGroupInstanceId(settings.groupInstanceId())
                    .setReason("the consumer is leaving the group")));
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }
}
