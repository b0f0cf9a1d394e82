package io.sluice.client.internal.group;

import io.sluice.client.ConsumerRebalanceListener;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.client.internal.Await;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscribed consumer's membership in its group, driven by the consumer's {@code poll}: it
 * revokes, joins, hands the assignment to the consumer, auto-commits, and leaves on close. Joins
 * run asynchronously ({@link JoinProcedure}); {@link #poll} never blocks on the network except for
 * the commit before a revocation, so {@code poll(timeout)} keeps its timeout during a rebalance.
 * Heartbeats run on their own thread ({@link Heartbeater}).
 *
 * <p>States, as the application thread sees them: <em>unsubscribed</em>; <em>joining</em> (a join
 * future is pending, the consumer has no partitions); <em>stable</em> (the consumer holds the
 * generation's assignment; heartbeats run). A heartbeat that reports a rebalance, a subscription
 * change, or a pattern that now matches other topics send a stable member back to joining, after
 * {@link ConsumerRebalanceListener#onPartitionsRevoked}. Errors of a join are sorted as Kafka sorts
 * them: {@code UNKNOWN_MEMBER_ID} rejoins without a member id, {@code ILLEGAL_GENERATION} and
 * {@code REBALANCE_IN_PROGRESS} rejoin at once, coordinator and connection errors rejoin after
 * {@code retry.backoff.ms} at a coordinator looked up again, anything else fails {@code poll}.
 *
 * <p>Thread safety: not thread-safe, like the consumer; only the application thread calls it.
 */
public final class GroupMembership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);

  /** How often a pattern subscription looks for new or deleted matching topics. */
  static final long PATTERN_RECHECK_MS = 3_000;

  /**
   * The consumer side of membership, called on the application thread.
   *
   * @param assign replaces the consumer's partitions (empty while joining)
   * @param positions the positions to commit: every assigned partition that has one
   * @param commit commits offsets, completing when the coordinator answered
   */
  public record Host(
      java.util.function.Consumer<Collection<TopicPartition>> assign,
      Supplier<Map<TopicPartition, Long>> positions,
      Function<Map<TopicPartition, Long>, CompletableFuture<Void>> commit) {}

  private static final ConsumerRebalanceListener NO_LISTENER =
      new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
      };

  private record Joined(List<String> topics, List<TopicPartition> partitions) {}

  private final GroupSettings settings;
  private final GroupClient client;
  private final Host host;
  private final LongSupplier clock;
  private final MemberState state = new MemberState();
  private final JoinProcedure procedure;
  private final Heartbeater heartbeater;
  private final boolean heartbeatThread;

  private List<String> topics;
  private Pattern pattern;
  private ConsumerRebalanceListener listener = NO_LISTENER;
  private List<TopicPartition> owned = List.of();
  private List<String> joinedTopics = List.of();
  private CompletableFuture<Joined> joining;
  private CompletableFuture<Set<String>> patternCheck;
  private long retryAtMs;
  private long nextAutoCommitMs;
  private long nextPatternCheckMs;

  /**
   * @param heartbeatThread false in tests, which call {@link #heartbeatTick} themselves
   */
  public GroupMembership(
      GroupSettings settings,
      GroupClient client,
      Host host,
      LongSupplier clock,
      boolean heartbeatThread) {
    this.settings = settings;
    this.client = client;
    this.host = host;
    this.clock = clock;
    this.procedure = new JoinProcedure(settings, client, state);
    this.heartbeater = new Heartbeater(settings, client, state, clock);
    this.heartbeatThread = heartbeatThread;
  }

  public void subscribe(Collection<String> topicNames, ConsumerRebalanceListener l) {
    List<String> sorted = List.copyOf(new TreeSet<>(topicNames));
    for (String t : sorted) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException(
            "subscribe: topic names must not be blank: " + topicNames);
      }
    }
    changeSubscription(sorted, null, l);
  }

  public void subscribe(Pattern p, ConsumerRebalanceListener l) {
    changeSubscription(null, p, l);
  }

  private void changeSubscription(List<String> names, Pattern p, ConsumerRebalanceListener l) {
    this.topics = names;
    this.pattern = p;
    this.listener = l == null ? NO_LISTENER : l;
    if (heartbeatThread) {
      heartbeater.start();
    }
    if (state.stable() && (names == null || !names.equals(joinedTopics))) {
      state.requestRejoin(state.generation().generationId());
    }
  }

  public boolean subscribed() {
    return topics != null || pattern != null;
  }

  /** The member id the coordinator gave this consumer, empty before the first join. */
  public String memberId() {
    return state.memberId();
  }

  public int generationId() {
    return state.generation().generationId();
  }

  /**
   * Advances membership by what is due now, without waiting.
   *
   * @return true when the consumer holds the current generation's assignment
   */
  public boolean poll() {
    long now = clock.getAsLong();
    state.polled(now);
    RuntimeException fatal = state.takeFatal();
    if (fatal != null) {
      throw fatal;
    }
    if (!subscribed()) {
      return false;
    }
    if (joining != null) {
      if (!joining.isDone()) {
        return false;
      }
      CompletableFuture<Joined> done = joining;
      joining = null;
      try {
        Joined joined = done.join();
        assigned(joined, now);
      } catch (CompletionException e) {
        joinFailed(e.getCause() == null ? e : e.getCause(), now);
      }
    }
    if (!state.needsJoin()) {
      maybeAutoCommit(now);
      maybeCheckPattern(now);
      return !state.needsJoin();
    }
    if (now < retryAtMs) {
      return false;
    }
    giveUpPartitions();
    state.startJoin();
    joining = resolveTopics().thenCompose(t -> procedure.run(t).thenApply(p -> new Joined(t, p)));
    return false;
  }

  private void assigned(Joined joined, long now) {
    owned = List.copyOf(joined.partitions());
    joinedTopics = joined.topics();
    nextAutoCommitMs = now + settings.autoCommitIntervalMs();
    nextPatternCheckMs = now + PATTERN_RECHECK_MS;
    LOG.info(
        "joined group '{}' generation {} as {}: {}",
        settings.groupId(),
        state.generation().generationId(),
        state.memberId(),
        owned);
    host.assign().accept(owned);
    listener.onPartitionsAssigned(owned);
  }

  private void joinFailed(Throwable t, long now) {
    Errors error = t instanceof SluiceClientException s ? s.error() : Errors.UNKNOWN_SERVER_ERROR;
    switch (error) {
      case UNKNOWN_MEMBER_ID -> state.resetMember();
      case ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS -> {}
      default -> {
        boolean retriable = t instanceof SluiceClientException s && s.retriable();
        if (!retriable) {
          throw t instanceof RuntimeException r
              ? r
              : new SluiceClientException(error, null, String.valueOf(t), false, t);
        }
        // A coordinator error or a broken connection: look the coordinator up again, later.
        client.coordinatorUnknown();
        retryAtMs = now + settings.retryBackoffMs();
      }
    }
    LOG.debug("join of group '{}' failed, rejoining: {}", settings.groupId(), error);
  }

  /** Before a rejoin: commit and revoke what the consumer holds, or report it lost. */
  private void giveUpPartitions() {
    List<TopicPartition> previous = owned;
    if (state.lost()) {
      owned = List.of();
      host.assign().accept(List.of());
      if (!previous.isEmpty()) {
        listener.onPartitionsLost(previous);
      }
      return;
    }
    if (settings.autoCommit() && !previous.isEmpty()) {
      commitQuietly(previous);
    }
    if (!previous.isEmpty()) {
      listener.onPartitionsRevoked(previous);
    }
    owned = List.of();
    host.assign().accept(List.of());
  }

  /** Commits the positions of {@code partitions}, logging (not throwing) a failure, as Kafka. */
  private void commitQuietly(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> positions = host.positions().get();
    positions.keySet().retainAll(partitions);
    if (positions.isEmpty()) {
      return;
    }
    try {
      Await.get(host.commit().apply(positions), settings.requestTimeoutMs());
    } catch (SluiceClientException e) {
      LOG.warn(
          "commit of group '{}' before rebalance failed: {}", settings.groupId(), e.getMessage());
    }
  }

  private void maybeAutoCommit(long now) {
    if (!settings.autoCommit() || now < nextAutoCommitMs) {
      return;
    }
    nextAutoCommitMs = now + settings.autoCommitIntervalMs();
    Map<TopicPartition, Long> positions = host.positions().get();
    if (!positions.isEmpty()) {
      host.commit()
          .apply(positions)
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  LOG.warn(
                      "auto-commit of group '{}' failed: {}", settings.groupId(), e.getMessage());
                }
              });
    }
  }

  private void maybeCheckPattern(long now) {
    if (pattern == null) {
      return;
    }
    if (patternCheck != null && patternCheck.isDone()) {
      CompletableFuture<Set<String>> done = patternCheck;
      patternCheck = null;
      if (!done.isCompletedExceptionally() && !matching(done.join()).equals(joinedTopics)) {
        state.requestRejoin(state.generation().generationId());
      }
    } else if (patternCheck == null && now >= nextPatternCheckMs) {
      nextPatternCheckMs = now + PATTERN_RECHECK_MS;
      patternCheck = client.topicNames();
    }
  }

  private CompletableFuture<List<String>> resolveTopics() {
    if (pattern == null) {
      return CompletableFuture.completedFuture(topics);
    }
    return client.topicNames().thenApply(this::matching);
  }

  private List<String> matching(Set<String> names) {
    List<String> result = new ArrayList<>();
    for (String name : new TreeSet<>(names)) {
      if (!name.startsWith("__") && pattern.matcher(name).matches()) {
        result.add(name);
      }
    }
    return result;
  }

  /** Test hook: what the heartbeat thread does on each tick. */
  void heartbeatTick() {
    heartbeater.tick();
  }

  /** Leaves the subscription: revokes (after a commit) and leaves the group. */
  public void unsubscribe() {
    leave();
    topics = null;
    pattern = null;
  }

  private void leave() {
    heartbeater.close();
    if (joining != null) {
      joining.cancel(false);
      joining = null;
    }
    if (!owned.isEmpty() || state.lost()) {
      giveUpPartitions();
    }
    MemberState.Generation generation = state.generation();
    boolean staticMember = settings.groupInstanceId() != null;
    state.expire(staticMember);
    client.commitIdentity(-1, "", settings.groupInstanceId());
    // A static member keeps its place through a restart: Kafka's consumer does not leave either.
    if (!staticMember && !generation.memberId().isEmpty()) {
      try {
        Await.get(
            client.leaveGroup(Heartbeater.leaveRequest(settings, generation.memberId())),
            settings.requestTimeoutMs());
      } catch (SluiceClientException e) {
        LOG.warn("LeaveGroup of group '{}' failed: {}", settings.groupId(), e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (subscribed()) {
      leave();
    }
    heartbeater.close();
  }
}
