package io.sluice.broker.cluster;

import io.sluice.broker.metadata.LeaderElection;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requesting side of leader election on request (ElectLeaders), on any broker: writes the
 * request as an ephemeral sequential znode under {@code /admin/elect_leaders} (see {@link
 * ZkPaths}), lets the active controller decide it, and completes once the controller's results are
 * there and this broker's applied cluster state shows every leader it elected (the leader epoch it
 * wrote or a later one), as Kafka's broker waits for its metadata cache. Whatever is not done by
 * the request's deadline is answered {@code REQUEST_TIMED_OUT}; the znode is deleted either way.
 *
 * <p>Nothing blocks: the znode is written and deleted in the background, the results arrive through
 * a watch ({@code CuratorCache} on {@code /admin/elect_leaders}, whose every change also tells the
 * controller), the leaders through the cluster cache's listener, the deadline through a delayed
 * task.
 *
 * <p>Thread safety: the waiting requests are guarded by this object's monitor; the callbacks run on
 * Curator's threads, the cluster cache thread and the delayed-task thread.
 */
final class ZkLeaderElections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZkLeaderElections.class);

  private final CuratorFramework client;
  private final CuratorCache requests;
  private final Runnable requested;

  /** Waiting requests by znode path. */
  private final Map<String, Waiter> waiting = new HashMap<>();

  /** The last cluster state this broker applied (its metadata shows it). */
  private ClusterSnapshot applied;

  private boolean closed;

  /**
   * @param applied the cluster state this broker shows now
   * @param requested called on every change of {@code /admin/elect_leaders} (the controller's
   *     trigger)
   */
  ZkLeaderElections(CuratorFramework client, ClusterSnapshot applied, Runnable requested) {
    this.client = client;
    this.applied = applied;
    this.requested = requested;
    this.requests = CuratorCache.build(client, ZkPaths.ELECT_LEADERS);
    requests
        .listenable()
        .addListener(
            new CuratorCacheListener() {
              @Override
              public void event(Type type, ChildData oldData, ChildData data) {
                if (data != null && !data.getPath().equals(ZkPaths.ELECT_LEADERS)) {
                  answered(data);
                }
                requested.run();
              }

              @Override
              public void initialized() {
                requested.run();
              }
            });
  }

  void start() {
    requests.start();
  }

  /**
   * A snapshot this broker has applied (called on the cluster cache thread after the metadata
   * showed it): completes the requests whose elected leaders it shows.
   */
  synchronized void applied(ClusterSnapshot snapshot) {
    applied = snapshot;
    for (Waiter waiter : new ArrayList<>(waiting.values())) {
      waiter.check();
    }
  }

  /** Requests an election; see the class comment. Never blocks. */
  CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> elect(
      LeaderElection.Type type, Set<LeaderElection.Partition> partitions, long timeoutMs) {
    CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> future =
        new CompletableFuture<>();
    RequestedElection.Request request =
        new RequestedElection.Request(type, new ArrayList<>(partitions), null);
    try {
      client
          .create()
          .creatingParentsIfNeeded()
          .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .inBackground(
              (c, event) -> {
                if (event.getType() != CuratorEventType.CREATE) {
                  return;
                }
                if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
                  future.complete(
                      all(
                          partitions,
                          Errors.NOT_CONTROLLER,
                          "cannot write the election request to ZooKeeper: "
                              + KeeperException.Code.get(event.getResultCode())));
                  return;
                }
                waitFor(event.getName(), request, future, timeoutMs);
              })
          .forPath(ZkPaths.electLeadersRequest(), ZkJson.electionRequest(request));
    } catch (Exception e) {
      future.complete(all(partitions, Errors.NOT_CONTROLLER, "cannot reach ZooKeeper: " + e));
    }
    return future;
  }

  private void waitFor(
      String path,
      RequestedElection.Request request,
      CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> future,
      long timeoutMs) {
    Waiter waiter = new Waiter(path, request.partitions(), future);
    synchronized (this) {
      if (closed) {
        waiter.finish(Errors.NOT_CONTROLLER, "the broker is shutting down");
        return;
      }
      waiting.put(path, waiter);
      ChildData data = requests.get(path).orElse(null);
      if (data != null) {
        waiter.answered(data);
      }
      waiter.check();
    }
    CompletableFuture.delayedExecutor(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              synchronized (ZkLeaderElections.this) {
                waiter.finish(
                    Errors.REQUEST_TIMED_OUT,
                    "the election was not done within the request's timeout of "
                        + timeoutMs
                        + " ms");
              }
            });
  }

  private synchronized void answered(ChildData data) {
    Waiter waiter = waiting.get(data.getPath());
    if (waiter != null) {
      waiter.answered(data);
      waiter.check();
    }
  }

  private static Map<LeaderElection.Partition, LeaderElection.Result> all(
      Set<LeaderElection.Partition> partitions, Errors error, String message) {
    Map<LeaderElection.Partition, LeaderElection.Result> results = new LinkedHashMap<>();
    LeaderElection.Result result = new LeaderElection.Result(error, message);
    partitions.forEach(p -> results.put(p, result));
    return results;
  }

  /** One request waiting for its results and its leaders; guarded by the enclosing monitor. */
  private final class Waiter {
    private final String path;
    private final List<LeaderElection.Partition> partitions;
    private final CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> future;
    private Map<LeaderElection.Partition, RequestedElection.Outcome> outcomes;

    Waiter(
        String path,
        List<LeaderElection.Partition> partitions,
        CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> future) {
      this.path = path;
      this.partitions = partitions;
      this.future = future;
    }

    void answered(ChildData data) {
      if (outcomes != null || data.getData() == null) {
        return;
      }
      try {
        RequestedElection.Request request = ZkJson.electionRequest(path, data.getData());
        if (request.answered()) {
          outcomes = request.results();
        }
      } catch (IllegalStateException e) {
        log.warn("cannot read the answer to election request {}: {}", path, e.getMessage());
      }
    }

    /** Completes when every elected leader is shown; partitions without an answer are errors. */
    void check() {
      if (future.isDone() || outcomes == null) {
        return;
      }
      Map<LeaderElection.Partition, LeaderElection.Result> results = new LinkedHashMap<>();
      for (LeaderElection.Partition p : partitions) {
        RequestedElection.Outcome outcome = outcomes.get(p);
        if (outcome == null) {
          results.put(
              p, new LeaderElection.Result(Errors.UNKNOWN_SERVER_ERROR, "no answer for " + p));
        } else if (outcome.error() != Errors.NONE || shown(p, outcome)) {
          results.put(p, outcome.result());
        } else {
          return; // a leader this broker does not show yet
        }
      }
      complete(results);
    }

    private boolean shown(LeaderElection.Partition p, RequestedElection.Outcome outcome) {
      TopicInfo topic = applied.topic(p.topic());
      return topic == null
          || p.partition() >= topic.partitionCount()
          || topic.leaderEpoch(p.partition()) >= outcome.leaderEpoch();
    }

    /** Completes with what is known: the errors decided, {@code error} for everything else. */
    void finish(Errors error, String message) {
      if (future.isDone()) {
        return;
      }
      Map<LeaderElection.Partition, LeaderElection.Result> results = new LinkedHashMap<>();
      for (LeaderElection.Partition p : partitions) {
        RequestedElection.Outcome outcome = outcomes == null ? null : outcomes.get(p);
        results.put(
            p,
            outcome != null && outcome.error() != Errors.NONE
                ? outcome.result()
                : new LeaderElection.Result(error, message));
      }
      complete(results);
    }

    private void complete(Map<LeaderElection.Partition, LeaderElection.Result> results) {
      waiting.remove(path);
      try {
        client.delete().guaranteed().inBackground().forPath(path);
      } catch (Exception e) {
        log.debug("cannot delete election request {}", path, e);
      }
      future.complete(results);
    }
  }

  /** Stops the watch; requests still waiting are answered {@code NOT_CONTROLLER}. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (Waiter waiter : new ArrayList<>(waiting.values())) {
        waiter.finish(Errors.NOT_CONTROLLER, "the broker is shutting down");
      }
    }
    requests.close();
  }
}
