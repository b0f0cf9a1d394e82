package io.sluice.broker.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's copy of the cluster state, kept by ZooKeeper watches (Curator {@code CuratorCache}
 * on {@code /brokers}, {@code /controller}, {@code /admin/delete_topics} and {@code
 * /config/topics}) and published as an immutable {@link ClusterSnapshot}.
 *
 * <p>Every change marks the cache dirty; one thread ({@code sluice-cluster-cache}) rebuilds the
 * snapshot from the cached znodes, so a burst of changes (a topic's partition states) costs one
 * rebuild, tells the listeners, in registration order, on that thread, and then publishes it: when
 * {@link #snapshot} or {@link #await} show a snapshot, every listener has applied it (the local
 * logs exist, the handlers' view shows it). While ZooKeeper is unreachable the last snapshot stays
 * in place: the broker keeps serving what it knew.
 *
 * <p>Thread safety: {@link #snapshot} is one volatile read; listeners run on the cache thread only;
 * {@link #await} may be called from any thread but the cache thread.
 */
final class ClusterCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterCache.class);
  private static final String[] ROOTS = {
    "/brokers", ZkPaths.CONTROLLER, ZkPaths.DELETE_TOPICS, ZkPaths.TOPIC_CONFIGS
  };

  private static final long CLOSE_WAIT_MS = 10_000;

  private final List<CuratorCache> caches = new ArrayList<>();
  private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService rebuilder;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final CountDownLatch initialized = new CountDownLatch(ROOTS.length);
  private final Object published = new Object();
  private volatile ClusterSnapshot snapshot = ClusterSnapshot.EMPTY;
  private volatile boolean closed;
  private long generation;

  ClusterCache(CuratorFramework client) {
    rebuilder =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-cluster-cache");
              t.setDaemon(true);
              return t;
            });
    for (String root : ROOTS) {
      CuratorCache cache = CuratorCache.build(client, root);
      cache
          .listenable()
          .addListener(
              new CuratorCacheListener() {
                @Override
                public void event(Type type, ChildData oldData, ChildData data) {
                  changed();
                }

                @Override
                public void initialized() {
                  ClusterCache.this.initialized.countDown();
                  changed();
                }
              });
      caches.add(cache);
    }
  }

  /** Starts the watches and waits until the first full snapshot is published. */
  void start(long timeoutMs) throws InterruptedException {
    caches.forEach(CuratorCache::start);
    if (!initialized.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the cluster state was not read within " + timeoutMs + " ms");
    }
    // The rebuild queued by the last initialized() may still be running: wait for one after it.
    await(s -> true, timeoutMs);
  }

  /** Adds a listener called with every new snapshot, on the cache thread. */
  void addListener(Consumer<ClusterSnapshot> listener) {
    listeners.add(listener);
  }

  ClusterSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Waits until a snapshot published after this call satisfies {@code condition}; returns it, or
   * null on timeout.
   */
  ClusterSnapshot await(Predicate<ClusterSnapshot> condition, long timeoutMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (published) {
      // Start from a fresh rebuild so that a write this thread just made is seen when it returns.
      changed();
      ClusterSnapshot seen = snapshot;
      while (true) {
        published.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        ClusterSnapshot current = snapshot;
        if (current != seen && condition.test(current)) {
          return current;
        }
        seen = current;
        if (System.nanoTime() >= deadline) {
          return condition.test(current) ? current : null;
        }
      }
    }
  }

  private void changed() {
    if (dirty.compareAndSet(false, true)) {
      try {
        rebuilder.execute(this::rebuild);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void rebuild() {
    dirty.set(false);
    if (closed) {
      return;
    }
    ClusterSnapshot next;
    try {
      next = build();
    } catch (RuntimeException e) {
      log.error("cannot read the cluster state; keeping the previous one", e);
      return;
    }
    for (Consumer<ClusterSnapshot> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.error("cluster state listener failed", e);
      }
    }
    synchronized (published) {
      snapshot = next;
      published.notifyAll();
    }
  }

  private ClusterSnapshot build() {
    Map<Integer, BrokerInfo> brokers = new HashMap<>();
    Map<String, List<PartitionAssignment>> assignments = new HashMap<>();
    Map<String, Long> ids = new HashMap<>();
    Map<String, Map<Integer, PartitionState>> states = new HashMap<>();
    List<ChildData> latch = new ArrayList<>();
    Set<String> deleting = new HashSet<>();
    Map<String, Map<String, String>> configs = new HashMap<>();
    for (CuratorCache cache : caches) {
      cache.stream()
          .forEach(
              node -> {
                String path = node.getPath();
                String[] parts = path.substring(1).split("/");
                try {
                  if (parts.length == 3 && parts[0].equals("config") && parts[1].equals("topics")) {
                    configs.put(parts[2], ZkJson.topicConfig(parts[2], node.getData()));
                  } else {
                    classify(node, parts, brokers, assignments, ids, states, latch, deleting);
                  }
                } catch (RuntimeException e) {
                  log.warn("ignoring unreadable znode {}: {}", path, e.getMessage());
                }
              });
    }
    Map<String, TopicInfo> topics = new HashMap<>();
    assignments.forEach(
        (topic, partitions) -> {
          Map<Integer, PartitionState> byPartition = states.getOrDefault(topic, Map.of());
          List<PartitionState> list = new ArrayList<>(partitions.size());
          List<List<Integer>> replicas = new ArrayList<>(partitions.size());
          Map<Integer, PartitionAssignment> reassignments = new HashMap<>();
          for (int p = 0; p < partitions.size(); p++) {
            list.add(byPartition.get(p));
            replicas.add(partitions.get(p).replicas());
            if (partitions.get(p).reassigning()) {
              reassignments.put(p, partitions.get(p));
            }
          }
          topics.put(topic, new TopicInfo(ids.get(topic), replicas, list, reassignments));
        });
    int controller = -1;
    latch.sort(Comparator.comparing(n -> sequence(ZkPaths.name(n.getPath()))));
    if (!latch.isEmpty() && latch.get(0).getData() != null) {
      controller = ZkJson.integer(latch.get(0).getData(), "controller latch");
    }
    return new ClusterSnapshot(++generation, brokers, controller, topics, deleting, configs);
  }

  private static void classify(
      ChildData node,
      String[] parts,
      Map<Integer, BrokerInfo> brokers,
      Map<String, List<PartitionAssignment>> assignments,
      Map<String, Long> ids,
      Map<String, Map<Integer, PartitionState>> states,
      List<ChildData> latch,
      Set<String> deleting) {
    if (parts.length == 3 && parts[0].equals("brokers") && parts[1].equals("ids")) {
      int id = Integer.parseInt(parts[2]);
      brokers.put(id, ZkJson.broker(id, node.getData(), node.getStat().getCzxid()));
    } else if (parts.length == 3 && parts[0].equals("brokers") && parts[1].equals("topics")) {
      assignments.put(parts[2], ZkJson.assignments(parts[2], node.getData()));
      ids.put(parts[2], node.getStat().getCzxid());
    } else if (parts.length == 6
        && parts[0].equals("brokers")
        && parts[1].equals("topics")
        && parts[3].equals("partitions")
        && parts[5].equals("state")) {
      states
          .computeIfAbsent(parts[2], t -> new HashMap<>())
          .put(Integer.parseInt(parts[4]), ZkJson.partitionState(node.getPath(), node.getData()));
    } else if (parts.length == 2 && parts[0].equals("controller")) {
      latch.add(node);
    } else if (parts.length == 3 && parts[0].equals("admin") && parts[1].equals("delete_topics")) {
      deleting.add(parts[2]);
    }
  }

  /** The sequence number Curator's latch appends to its node names ("...-latch-0000000007"). */
  static String sequence(String name) {
    int dash = name.lastIndexOf('-');
    return dash < 0 ? name : name.substring(dash + 1);
  }

  /**
   * Stops the caches and lets a rebuild in progress finish: its listeners do file work (deleting a
   * topic's logs), and interrupting that would close the files' channels under it ({@code
   * ClosedByInterruptException}) and leave half-deleted directories for the next start. Only a
   * rebuild that has not finished after {@link #CLOSE_WAIT_MS} is interrupted.
   */
  @Override
  public void close() {
    closed = true;
    caches.forEach(CuratorCache::close);
    rebuilder.shutdown();
    try {
      if (!rebuilder.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn("a cluster state rebuild did not finish in {} ms; interrupting it", CLOSE_WAIT_MS);
        rebuilder.shutdownNow();
      }
    } catch (InterruptedException e) {
      rebuilder.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
