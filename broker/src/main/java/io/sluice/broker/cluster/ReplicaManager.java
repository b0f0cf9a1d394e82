package io.sluice.broker.cluster;

import io.sluice.broker.ClusterMode;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.ReplicationConfig;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker play its part in every partition it has a replica of, as the cluster state
 * says: <b>leader</b> (the log stamps the new leader epoch; a {@link PartitionLeader} tracks the
 * followers, the ISR and the high watermark) or <b>follower</b> (a {@link ReplicaFetcher} per
 * leader broker copies the leader's log, after truncating it by leader epoch), or neither while the
 * partition is offline. It is also the handlers' {@link Replication}: follower fetches and the
 * {@code min.insync.replicas} check of {@code acks=all} go to the partition's {@link
 * PartitionLeader}.
 *
 * <p>A partition with one replica needs none of this: its log keeps the high watermark at its end,
 * exactly as a single node does.
 *
 * <p>Threads: {@link #apply} runs on the cluster cache thread (roles change there, in snapshot
 * order); ISR writes to ZooKeeper and the periodic lag check run on {@code sluice-isr}; fetchers
 * have their own threads. The leader map is concurrent, read by event loops.
 */
final class ReplicaManager implements Replication, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

  private final ZkCluster cluster;
  private final LogManager logs;
  private final ReplicationConfig config;
  private final int self;
  private final Map<TopicPartition, PartitionLeader> leaders = new ConcurrentHashMap<>();
  private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>(); // cache thread
  private final Map<TopicPartition, ReplicaFetcher> following = new HashMap<>(); // cache thread
  private final Set<TopicPartition> persisting = new HashSet<>(); // cache thread
  private final ScheduledExecutorService isrThread;
  private volatile boolean closed;
  private final List<ClusterMode.LeadershipListener> leadershipListeners =
      new CopyOnWriteArrayList<>();

  private final String interBrokerListener;
  private final InterBrokerConnector connector;

  /**
   * @param connector opens the followers' connections to the leaders' inter-broker listener ({@code
   *     inter.broker.listener.name}, else the first listener), with its TLS and SASL
   */
  ReplicaManager(
      ZkCluster cluster,
      LogManager logs,
      ReplicationConfig config,
      InterBrokerConnector connector) {
    this.cluster = cluster;
    this.connector = connector;
    this.interBrokerListener = connector.security().listenerName();
    this.logs = logs;
    this.config = config;
    this.self = cluster.brokerId();
    this.isrThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-isr");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(10, config.replicaLagTimeMaxMs() / 2);
    isrThread.scheduleWithFixedDelay(this::checkLag, period, period, TimeUnit.MILLISECONDS);
  }

  /** Tells {@code listener} when this broker starts or stops leading a partition. */
  void addLeadershipListener(ClusterMode.LeadershipListener listener) {
    leadershipListeners.add(listener);
  }

  /** Brings every local replica's role in line with {@code snapshot}. Cluster cache thread. */
  synchronized void apply(ClusterSnapshot snapshot) {
    if (closed) {
      return;
    }
    Set<TopicPartition> seen = new HashSet<>();
    for (Map.Entry<String, TopicInfo> entry : snapshot.topics().entrySet()) {
      String topic = entry.getKey();
      TopicInfo info = entry.getValue();
      if (snapshot.deleting().contains(topic)) {
        continue;
      }
      for (int p = 0; p < info.partitionCount(); p++) {
        List<Integer> replicas = info.replicas().get(p);
        PartitionState state = info.states().get(p);
        TopicPartition tp = new TopicPartition(topic, p);
        Log partitionLog = logs.log(tp).orElse(null);
        if (state == null || !replicas.contains(self) || partitionLog == null) {
          continue;
        }
        seen.add(tp);
        if (persisting.add(tp)) {
          partitionLog.persistLeaderEpochs();
        }
        try {
          applyPartition(snapshot, tp, partitionLog, replicas, state, info.partitionCount());
        } catch (RuntimeException e) {
          log.error("broker {}: cannot take up its role in {}", self, tp, e);
        }
      }
    }
    for (TopicPartition tp : Set.copyOf(leaders.keySet())) {
      if (!seen.contains(tp)) {
        resign(tp);
      }
    }
    for (TopicPartition tp : Set.copyOf(following.keySet())) {
      if (!seen.contains(tp)) {
        unfollow(tp);
      }
    }
    persisting.retainAll(seen);
    fetchers.values().removeIf(f -> f.isEmpty() && closeFetcher(f));
  }

  private void applyPartition(
      ClusterSnapshot snapshot,
      TopicPartition tp,
      Log partitionLog,
      List<Integer> replicas,
      PartitionState state,
      int partitionCount) {
    boolean leading =
        state.leader() == self
            && cluster.brokerEpoch() >= 0
            && cluster.brokerEpoch() == state.leaderBrokerEpoch();
    if (leading) {
      PartitionLeader current = leaders.get(tp);
      if (current != null && current.leaderEpoch == state.leaderEpoch()) {
        current.replicasFromCluster(replicas, System.currentTimeMillis());
        current.isrFromCluster(state.isr());
        return;
      }
      unfollow(tp);
      if (current != null) {
        current.close();
      }
      partitionLog.becomeLeader(state.leaderEpoch());
      leaders.put(
          tp,
          new PartitionLeader(
              tp.topic(),
              tp.partition(),
              partitionLog,
              self,
              state.leaderEpoch(),
              replicas,
              state.isr(),
              System.currentTimeMillis(),
              this::onIsrThread,
              (epoch, change) -> {
                PartitionState written =
                    cluster.updateIsr(tp.topic(), tp.partition(), epoch, change::apply);
                return written == null ? null : written.isr();
              }));
      log.info(
          "broker {}: leads {} in epoch {} (ISR {}, log end {})",
          self,
          tp,
          state.leaderEpoch(),
          state.isr(),
          partitionLog.logEndOffset());
      if (current != null) {
        tellResigned(tp);
      }
      for (ClusterMode.LeadershipListener listener : leadershipListeners) {
        try {
          listener.becameLeader(tp, state.leaderEpoch(), partitionCount, partitionLog);
        } catch (RuntimeException e) {
          log.error("broker {}: leadership listener failed on {}", self, tp, e);
        }
      }
      return;
    }
    resign(tp);
    if (state.online()
        && state.leader() != self
        && snapshot.brokers().containsKey(state.leader())) {
      follow(tp, partitionLog, state.leader(), state.leaderEpoch());
    } else {
      unfollow(tp);
    }
  }

  private void follow(TopicPartition tp, Log partitionLog, int leader, int leaderEpoch) {
    ReplicaFetcher current = following.get(tp);
    if (current != null && current.leaderId() == leader && current.epochOf(tp) == leaderEpoch) {
      return;
    }
    if (current != null && current.leaderId() != leader) {
      current.remove(tp);
    }
    if (!partitionLog.replicatedHighWatermark()) {
      // From now on the high watermark is what the leader says; until then, nothing is known.
      partitionLog.updateHighWatermark(partitionLog.logStartOffset(), true);
    }
    ReplicaFetcher fetcher =
        fetchers.computeIfAbsent(
            leader,
            id -> {
              ReplicaFetcher f = new ReplicaFetcher(self, id, this::address, config, connector);
              f.start();
              return f;
            });
    fetcher.add(tp, leaderEpoch, partitionLog);
    following.put(tp, fetcher);
    log.info("broker {}: follows {} on broker {} in epoch {}", self, tp, leader, leaderEpoch);
  }

  private void unfollow(TopicPartition tp) {
    ReplicaFetcher fetcher = following.remove(tp);
    if (fetcher != null) {
      fetcher.remove(tp);
    }
  }

  private void resign(TopicPartition tp) {
    PartitionLeader leader = leaders.remove(tp);
    if (leader != null) {
      leader.close();
      tellResigned(tp);
    }
  }

  private void tellResigned(TopicPartition tp) {
    for (ClusterMode.LeadershipListener listener : leadershipListeners) {
      try {
        listener.resigned(tp);
      } catch (RuntimeException e) {
        log.error("broker {}: leadership listener failed on {}", self, tp, e);
      }
    }
  }

  private boolean closeFetcher(ReplicaFetcher fetcher) {
    fetcher.close();
    return true;
  }

  private InetSocketAddress address(int brokerId) {
    BrokerInfo broker = cluster.snapshot().brokers().get(brokerId);
    if (broker == null || broker.endpoints().isEmpty()) {
      return null;
    }
    Endpoint endpoint = broker.endpoint(interBrokerListener);
    if (endpoint == null) {
      endpoint = broker.endpoints().get(0);
    }
    return new InetSocketAddress(endpoint.host(), endpoint.port());
  }

  private void onIsrThread(Runnable task) {
    try {
      isrThread.execute(task);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void checkLag() {
    long now = System.currentTimeMillis();
    for (PartitionLeader leader : leaders.values()) {
      try {
        leader.checkLag(now, config.replicaLagTimeMaxMs());
      } catch (RuntimeException e) {
        log.warn("ISR check of {}-{} failed", leader.topic, leader.partition, e);
      }
    }
  }

  @Override
  public Errors checkInSyncReplicas(String topic, int partition) {
    PartitionLeader leader = leaders.get(new TopicPartition(topic, partition));
    return leader == null
        ? Errors.NOT_LEADER_OR_FOLLOWER
        : leader.checkInSync(leader.log.config().minInsyncReplicas());
  }

  @Override
  public Errors followerFetch(String topic, int partition, int replicaId, long fetchOffset) {
    PartitionLeader leader = leaders.get(new TopicPartition(topic, partition));
    if (leader == null) {
      return Errors.NOT_LEADER_OR_FOLLOWER;
    }
    return leader.followerFetched(replicaId, fetchOffset, System.currentTimeMillis());
  }

  /** The leader state of a partition led here (tests). */
  PartitionLeader leader(TopicPartition tp) {
    return leaders.get(tp);
  }

  /** Stops the fetchers and the ISR thread; waiting produces fail. */
  @Override
  public synchronized void close() {
    closed = true;
    isrThread.shutdownNow();
    for (ReplicaFetcher fetcher : fetchers.values()) {
      fetcher.close();
    }
    for (TopicPartition tp : Set.copyOf(leaders.keySet())) {
      resign(tp);
    }
  }
}
