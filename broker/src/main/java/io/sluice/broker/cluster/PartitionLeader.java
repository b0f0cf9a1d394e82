package io.sluice.broker.cluster;

import io.sluice.broker.storage.Log;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The leader's side of one replicated partition in one leader epoch: each follower's log end (the
 * offset it last fetched from) and when it was last caught up, the in-sync replicas (ISR), and the
 * high watermark derived from them.
 *
 * <ul>
 *   <li><b>High watermark</b> = the minimum log end over the ISR (the leader's own included); it
 *       only grows. Recomputed on every follower fetch, every append and every ISR change.
 *   <li><b>Caught up</b> (Kafka's rule): a fetch from the leader's log end makes the follower
 *       caught up now; a fetch from at least the log end the leader had at the follower's previous
 *       fetch makes it caught up as of that previous fetch (under steady load a follower is never
 *       exactly at the end).
 *   <li><b>Shrink</b>: an ISR member not caught up for {@code replica.lag.time.max.ms} is removed.
 *       <b>Expand</b>: a replica outside the ISR whose log end reaches the high watermark and this
 *       epoch's start offset is added. Both are written to ZooKeeper first (conditional write, see
 *       {@link ZkCluster#updateIsr}) and applied here only once written, so the ISR used for the
 *       high watermark and for {@code min.insync.replicas} is never larger than the one the
 *       controller elects from.
 * </ul>
 *
 * <p>Thread safety: follower fetches (event loops), appends (event loops), the lag check and ISR
 * writes (the ISR thread) synchronize on this object; the ZooKeeper write itself runs outside it.
 */
final class PartitionLeader {
  /** One follower's progress as this leader saw it. */
  private static final class Follower {
    long logEnd = -1;
    long lastCaughtUpMs;
    long lastFetchLeaderLogEnd = -1;
    long lastFetchMs;
  }

  /** Writes an ISR change; returns the ISR written, or null when fenced. Blocks. */
  interface IsrWriter {
    List<Integer> write(int leaderEpoch, UnaryOperator<List<Integer>> change);
  }

  final String topic;
  final int partition;
  final Log log;
  final int leaderEpoch;
  private final int self;
  private final long epochStartOffset;
  private final Map<Integer, Follower> followers = new HashMap<>();
  private final Consumer<Runnable> isrThread;
  private final IsrWriter writer;
  private final Runnable onAppend = this::recomputeHighWatermark;
  private List<Integer> isr;
  private boolean changing;
  private boolean closed;

  PartitionLeader(
      String topic,
      int partition,
      Log log,
      int self,
      int leaderEpoch,
      List<Integer> replicas,
      List<Integer> isr,
      long nowMs,
      Consumer<Runnable> isrThread,
      IsrWriter writer) {
    this.topic = topic;
    this.partition = partition;
    this.log = log;
    this.self = self;
    this.leaderEpoch = leaderEpoch;
    this.epochStartOffset = log.logEndOffset();
    this.isrThread = isrThread;
    this.writer = writer;
    this.isr = List.copyOf(isr);
    for (int replica : replicas) {
      if (replica != self) {
        Follower f = new Follower();
        f.lastCaughtUpMs = nowMs; // every follower gets a full lag period to show up
        followers.put(replica, f);
      }
    }
    if (followers.isEmpty()) {
      log.followLogEnd(); // one replica: the high watermark is the log end, as on a single node
    } else {
      long start = log.replicatedHighWatermark() ? log.highWatermark() : log.logStartOffset();
      log.updateHighWatermark(start, true);
      log.addAppendListener(onAppend);
      recomputeHighWatermark();
    }
  }

  /** The in-sync replicas as last written. */
  synchronized List<Integer> isr() {
    return isr;
  }

  /** A follower fetched from {@code offset} (its log end). */
  Errors followerFetched(int replica, long offset, long nowMs) {
    synchronized (this) {
      Follower f = followers.get(replica);
      if (f == null || closed) {
        return Errors.NOT_LEADER_OR_FOLLOWER;
      }
      long leaderEnd = log.logEndOffset();
      if (offset > leaderEnd) {
        // A follower with a longer log than the leader's has not truncated yet: it is not in sync
        // with anything, and the read answers OFFSET_OUT_OF_RANGE.
        return Errors.OFFSET_OUT_OF_RANGE;
      }
      f.logEnd = offset;
      if (offset >= leaderEnd) {
        f.lastCaughtUpMs = nowMs;
      } else if (f.lastFetchLeaderLogEnd >= 0 && offset >= f.lastFetchLeaderLogEnd) {
        f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
      }
      f.lastFetchLeaderLogEnd = leaderEnd;
      f.lastFetchMs = nowMs;
      if (!isr.contains(replica)
          && f.logEnd >= log.highWatermark()
          && f.logEnd >= epochStartOffset) {
        change(current -> with(current, replica));
      }
    }
    recomputeHighWatermark();
    return Errors.NONE;
  }

  /** Removes the ISR members that have not caught up within {@code lagMs}. ISR thread. */
  void checkLag(long nowMs, long lagMs) {
    synchronized (this) {
      List<Integer> lagging = new ArrayList<>();
      for (int member : isr) {
        Follower f = followers.get(member);
        if (f != null && nowMs - f.lastCaughtUpMs > lagMs) {
          lagging.add(member);
        }
      }
      if (!lagging.isEmpty()) {
        change(
            current -> {
              List<Integer> next = new ArrayList<>(current);
              next.removeAll(lagging);
              return next;
            });
      }
    }
  }

  /**
   * The partition's replicas as the assignment now says (a reassignment adds or removes them
   * without a new leader epoch while it is in progress): a new replica is tracked from now on, with
   * a full lag period to show up, and joins the ISR as any follower does; a replica no longer
   * assigned is forgotten (while the ISR still names it, the high watermark waits for the
   * controller to remove it).
   */
  void replicasFromCluster(List<Integer> replicas, long nowMs) {
    synchronized (this) {
      if (closed) {
        return;
      }
      boolean single = followers.isEmpty();
      followers.keySet().retainAll(replicas);
      for (int replica : replicas) {
        if (replica != self && !followers.containsKey(replica)) {
          Follower f = new Follower();
          f.lastCaughtUpMs = nowMs;
          followers.put(replica, f);
        }
      }
      if (single && !followers.isEmpty()) {
        // One replica so far: everything up to the log end is committed. From now on the high
        // watermark is the minimum over the ISR.
        log.updateHighWatermark(log.logEndOffset(), true);
        log.addAppendListener(onAppend);
      } else if (!single && followers.isEmpty() && isr.equals(List.of(self))) {
        log.removeAppendListener(onAppend);
        log.followLogEnd();
      }
    }
    recomputeHighWatermark();
  }

  /** The ISR as ZooKeeper now says (a snapshot of the cluster state). */
  void isrFromCluster(List<Integer> written) {
    synchronized (this) {
      if (!closed && !changing) {
        isr = List.copyOf(written);
      }
    }
    recomputeHighWatermark();
  }

  /** Queues one ISR write at a time; later changes are re-evaluated after it. Lock held. */
  private void change(UnaryOperator<List<Integer>> change) {
    if (changing || closed) {
      return;
    }
    changing = true;
    isrThread.accept(
        () -> {
          List<Integer> written = null;
          try {
            written = writer.write(leaderEpoch, change);
          } finally {
            synchronized (this) {
              changing = false;
              if (written != null && !closed) {
                isr = List.copyOf(written);
              }
            }
            recomputeHighWatermark();
          }
        });
  }

  private static List<Integer> with(List<Integer> isr, int replica) {
    if (isr.contains(replica)) {
      return isr;
    }
    List<Integer> next = new ArrayList<>(isr);
    next.add(replica);
    return next;
  }

  /** High watermark = min log end over the ISR; unknown follower ends hold it where it is. */
  void recomputeHighWatermark() {
    long min;
    synchronized (this) {
      if (closed || followers.isEmpty()) {
        return;
      }
      min = log.logEndOffset();
      for (int member : isr) {
        if (member == self) {
          continue;
        }
        Follower f = followers.get(member);
        if (f == null || f.logEnd < 0) {
          return;
        }
        min = Math.min(min, f.logEnd);
      }
    }
    log.updateHighWatermark(min, false);
  }

  /** {@code NONE}, or {@code NOT_ENOUGH_REPLICAS} when the ISR is smaller than {@code minIsr}. */
  synchronized Errors checkInSync(int minIsr) {
    if (closed) {
      return Errors.NOT_LEADER_OR_FOLLOWER;
    }
    return isr.size() < minIsr ? Errors.NOT_ENOUGH_REPLICAS : Errors.NONE;
  }

  /** This broker stops leading the partition in this epoch: waiting produces fail. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    log.removeAppendListener(onAppend);
    log.failHighWatermarkWaiters(
        new SluiceException(
            Errors.NOT_LEADER_OR_FOLLOWER,
            topic + "-" + partition + ": leadership moved from broker " + self));
  }
}
