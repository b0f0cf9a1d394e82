package io.sluice.broker.cluster;

import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SecurityProtocol;
import io.sluice.broker.config.ZooKeeperConfig;
import io.sluice.broker.metadata.LeaderElection;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's membership of a cluster on ZooKeeper: the Curator client, the {@link ClusterCache},
 * the {@link BrokerRegistrar}, the {@link Controller}, and the requests a broker makes of the
 * cluster (create or delete a topic, "do I lead this partition?").
 *
 * <p>Lifecycle: {@link #connect} (before the listener is bound: it yields the cluster id), then
 * {@link #register} once the advertised address is known, then {@link #close}. Topic creation and
 * deletion block (they are called on the topic-admin thread); everything else is a read of the
 * current snapshot.
 *
 * <p>Topic creation follows Kafka's ZooKeeper-era path: the broker that receives CreateTopics
 * computes the placement from the live brokers it knows and writes {@code /brokers/topics/{t}} (the
 * create fails if the topic exists, so two concurrent creations of one name give one success); the
 * controller sees the new topic and writes the partition states; the broker answers once its cache
 * shows them. Deletion writes {@code /admin/delete_topics/{t}} and waits for the controller to
 * remove the topic. While ZooKeeper is unreachable or no controller is elected both are refused
 * with {@code NOT_CONTROLLER} (retriable: clients retry until it is back).
 *
 * <p>Thread-safe.
 */
public final class ZkCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZkCluster.class);

  private final ZooKeeperConfig config;
  private final int brokerId;
  private final CuratorFramework client;
  private final ClusterCache cache;
  private final String clusterId;
  private final ExecutorService registrations;
  private BrokerRegistrar registrar;
  private volatile boolean preferredLeaders;
  private Controller controller;
  private volatile ZkLeaderElections elections;

  private ZkCluster(
      ZooKeeperConfig config,
      int brokerId,
      CuratorFramework client,
      ClusterCache cache,
      String clusterId) {
    this.config = config;
    this.brokerId = brokerId;
    this.client = client;
    this.cache = cache;
    this.clusterId = clusterId;
    this.registrations =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-cluster-registration");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects to ZooKeeper (waiting up to {@code zookeeper.connection.timeout.ms}), reads or makes
   * the cluster id and loads the cluster state.
   *
   * @param proposedClusterId the id to give a new cluster (this broker's stored one, or a new one)
   */
  public static ZkCluster connect(ZooKeeperConfig config, int brokerId, String proposedClusterId) {
    ZKClientConfig zkConfig = new ZKClientConfig();
    zkConfig.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(config.servers())
            .namespace(config.chroot().isEmpty() ? null : config.chroot())
            .sessionTimeoutMs(config.sessionTimeoutMs())
            .connectionTimeoutMs(config.connectionTimeoutMs())
            .retryPolicy(new ExponentialBackoffRetry(100, 3))
            // Recipes (the controller latch) give up only on a lost session, not on every
            // disconnection: a short ZooKeeper outage does not move the controller.
            .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy())
            .zkClientConfig(zkConfig)
            .build();
    ClusterCache cache = null;
    try {
      client.start();
      if (!client.blockUntilConnected(config.connectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "cannot reach ZooKeeper at "
                + config.servers()
                + " within zookeeper.connection.timeout.ms="
                + config.connectionTimeoutMs());
      }
      String clusterId = clusterId(client, proposedClusterId);
      cache = new ClusterCache(client);
      cache.start(config.connectionTimeoutMs());
      return new ZkCluster(config, brokerId, client, cache, clusterId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(cache, client);
      throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
    } catch (RuntimeException e) {
      close(cache, client);
      throw e;
    } catch (Exception e) {
      close(cache, client);
      throw new IllegalStateException("cannot join the cluster: " + e, e);
    }
  }

  private static void close(ClusterCache cache, CuratorFramework client) {
    if (cache != null) {
      cache.close();
    }
    client.close();
  }

  private static String clusterId(CuratorFramework client, String proposed) throws Exception {
    try {
      client
          .create()
          .creatingParentsIfNeeded()
          .forPath(ZkPaths.CLUSTER_ID, ZkJson.clusterId(proposed));
      log.info("new cluster {} in ZooKeeper", proposed);
      return proposed;
    } catch (KeeperException.NodeExistsException e) {
      return ZkJson.clusterId(client.getData().forPath(ZkPaths.CLUSTER_ID));
    }
  }

  /**
   * Registers this broker with its advertised addresses, one per listener, and joins the controller
   * election. Waits for a stale registration of this id (a previous life of this broker) to expire.
   */
  public void register(List<Endpoint> endpoints, Map<String, SecurityProtocol> protocols) {
    registrar =
        new BrokerRegistrar(
            client,
            brokerId,
            ZkJson.brokerRegistration(endpoints, protocols, config.rack()),
            registrations);
    try {
      registrar.start(2L * config.sessionTimeoutMs() + config.connectionTimeoutMs());
      controller = new Controller(client, brokerId, preferredLeaders);
      cache.addListener(s -> controller.changed());
      controller.start();
      startLeaderElections();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot join the controller election: " + e, e);
    }
  }

  /**
   * {@code auto.leader.rebalance.enable}: whether this broker, when it is the controller, moves
   * leadership back to each partition's preferred replica. Set before {@link #register}.
   */
  public void preferredLeaderElection(boolean enabled) {
    this.preferredLeaders = enabled;
  }

  public String clusterId() {
    return clusterId;
  }

  public int brokerId() {
    return brokerId;
  }

  /** The broker epoch (czxid of the registration), -1 while not registered. */
  public long brokerEpoch() {
    return registrar == null ? -1 : registrar.epoch();
  }

  /** True while this broker is the active controller. */
  public boolean isController() {
    return controller != null && controller.active();
  }

  /** The current controller epoch if this broker is the active controller, else -1. */
  public int controllerEpoch() {
    return controller == null ? -1 : controller.epoch();
  }

  public ClusterSnapshot snapshot() {
    return cache.snapshot();
  }

  /** Called on the cache thread with every new snapshot, after the ones added before. */
  public void addListener(Consumer<ClusterSnapshot> listener) {
    cache.addListener(listener);
  }

  /**
   * Whether this broker leads the partition now: the cluster state names it leader and it is
   * registered (a broker whose session expired leads nothing until it has registered again).
   */
  public boolean leads(ClusterSnapshot snapshot, String topic, int partition) {
    if (brokerEpoch() < 0) {
      return false;
    }
    TopicInfo info = snapshot.topic(topic);
    return info != null
        && partition >= 0
        && partition < info.partitionCount()
        && info.leader(partition) == brokerId;
  }

  /** The outcome of a topic creation or deletion: an error code and, for failures, why. */
  public record Outcome(Errors error, String message) {
    static final Outcome OK = new Outcome(Errors.NONE, null);
  }

  /**
   * Creates a topic: places its partitions on the live brokers and writes the assignment, then
   * waits up to {@code timeoutMs} for the controller's partition states. Blocks.
   */
  public Outcome createTopic(String topic, int partitions, boolean validateOnly, long timeoutMs) {
    return createTopic(topic, partitions, 1, validateOnly, timeoutMs);
  }

  /** As above, with {@code replicationFactor} replicas of each partition on different brokers. */
  public Outcome createTopic(
      String topic, int partitions, int replicationFactor, boolean validateOnly, long timeoutMs) {
    return createTopic(topic, partitions, replicationFactor, Map.of(), validateOnly, timeoutMs);
  }

  /**
   * As above, with the topic's configuration overrides (validated by the caller). The overrides
   * ({@code /config/topics/{t}}, always written, empty or not, as Kafka does) and the assignment
   * are written in one ZooKeeper transaction, so no broker ever sees the topic without its
   * configuration; a leftover configuration znode without a topic is replaced. Returns once this
   * broker's cache shows the partition states and the configuration.
   */
  public Outcome createTopic(
      String topic,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      boolean validateOnly,
      long timeoutMs) {
    Outcome refused = refuseChanges();
    if (refused != null) {
      return refused;
    }
    ClusterSnapshot snapshot = cache.snapshot();
    if (snapshot.topics().containsKey(topic)) {
      return new Outcome(
          Errors.TOPIC_ALREADY_EXISTS,
          snapshot.deleting().contains(topic)
              ? "topic '" + topic + "' is being deleted"
              : "topic '" + topic + "' already exists");
    }
    if (replicationFactor > snapshot.brokers().size()) {
      return new Outcome(
          Errors.INVALID_REPLICATION_FACTOR,
          "replication factor "
              + replicationFactor
              + " is larger than the "
              + snapshot.brokers().size()
              + " live broker(s)");
    }
    List<List<Integer>> assignment =
        Placement.assign(
            partitions, replicationFactor, snapshot.brokers().values(), snapshot.assignedCounts());
    if (validateOnly) {
      return Outcome.OK;
    }
    Map<String, String> overrides = Map.copyOf(configs);
    try {
      ensureParent(ZkPaths.TOPICS);
      ensureParent(ZkPaths.TOPIC_CONFIGS);
      String configPath = ZkPaths.topicConfig(topic);
      byte[] configData = ZkJson.topicConfig(overrides);
      Stat leftover = client.checkExists().forPath(configPath);
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(
          leftover == null
              ? client.transactionOp().create().forPath(configPath, configData)
              : client
                  .transactionOp()
                  .setData()
                  .withVersion(leftover.getVersion())
                  .forPath(configPath, configData));
      ops.add(
          client
              .transactionOp()
              .create()
              .forPath(ZkPaths.topic(topic), ZkJson.assignment(assignment)));
      client.transaction().forOperations(ops);
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
      // The topic, or a concurrent creation of it (which wrote its configuration first).
      return new Outcome(Errors.TOPIC_ALREADY_EXISTS, "topic '" + topic + "' already exists");
    } catch (Exception e) {
      return zooKeeperFailure("create topic '" + topic + "'", e);
    }
    log.info("topic {} assigned: {}, configuration {}", topic, assignment, overrides);
    ClusterSnapshot done =
        await(
            s -> {
              TopicInfo info = s.topic(topic);
              return info != null && info.complete() && overrides.equals(s.topicConfig(topic));
            },
            timeoutMs);
    if (done == null) {
      return new Outcome(
          Errors.REQUEST_TIMED_OUT,
          "topic '" + topic + "' is assigned but the controller has not elected its leaders yet");
    }
    return Outcome.OK;
  }

  /**
   * The leader's in-sync replica change (Kafka's ZooKeeper-era path: the leader writes the state):
   * a conditional write on the state znode's version; on a version conflict the state is read again
   * and the change applied to what is there (KAFKA-2729), as long as this broker still leads the
   * partition in {@code leaderEpoch}. Blocks (ZooKeeper round trips).
   *
   * @return the state written, or null when this broker no longer leads in that epoch (fenced: the
   *     controller moved the partition) or ZooKeeper cannot be reached
   */
  public PartitionState updateIsr(
      String topic,
      int partition,
      int leaderEpoch,
      java.util.function.UnaryOperator<List<Integer>> change) {
    String path = ZkPaths.partitionState(topic, partition);
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
        PartitionState current =
            ZkJson.partitionState(path, client.getData().storingStatIn(stat).forPath(path));
        if (current.leader() != brokerId || current.leaderEpoch() != leaderEpoch) {
          return null;
        }
        List<Integer> isr = change.apply(current.isr());
        if (isr.equals(current.isr())) {
          return current;
        }
        PartitionState next =
            new PartitionState(
                current.leader(),
                current.leaderEpoch(),
                isr,
                current.controllerEpoch(),
                current.leaderBrokerEpoch());
        client.setData().withVersion(stat.getVersion()).forPath(path, ZkJson.partitionState(next));
        log.info("{}-{}: in-sync replicas {} -> {}", topic, partition, current.isr(), isr);
        return next;
      } catch (KeeperException.BadVersionException e) {
        log.debug("{}-{}: state changed under the ISR update; reading again", topic, partition);
      } catch (KeeperException.NoNodeException e) {
        return null;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.info("{}-{}: ISR update failed: {}", topic, partition, e.toString());
        return null;
      }
    }
    return null;
  }

  /**
   * Replaces a topic's configuration overrides by {@code change} applied to the stored ones: a
   * conditional write of {@code /config/topics/{t}} on the version read (on a conflict, read again
   * and apply the change to what is there), then waits up to {@code timeoutMs} until this broker's
   * cache shows it, by which time this broker's replicas of the topic have it applied. Every other
   * broker applies it when its watch fires. {@code validate} is called with the result before
   * anything is written; it and {@code change} throw {@link io.sluice.protocol.SluiceException} to
   * refuse. Blocks.
   */
  public Outcome alterTopicConfig(
      String topic,
      java.util.function.UnaryOperator<Map<String, String>> change,
      java.util.function.Consumer<Map<String, String>> validate,
      boolean validateOnly,
      long timeoutMs) {
    if (!client.getZookeeperClient().isConnected()) {
      return new Outcome(
          Errors.NOT_CONTROLLER,
          "ZooKeeper is unreachable: topic configurations cannot be changed until it is back");
    }
    String path = ZkPaths.topicConfig(topic);
    for (int attempt = 0; attempt < 10; attempt++) {
      if (cache.snapshot().topic(topic) == null) {
        return new Outcome(
            Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topic + "' does not exist.");
      }
      Map<String, String> next;
      try {
        Stat stat = new Stat();
        Map<String, String> current;
        try {
          current = ZkJson.topicConfig(topic, client.getData().storingStatIn(stat).forPath(path));
        } catch (KeeperException.NoNodeException e) {
          current = Map.of();
          stat = null;
        }
        next = Map.copyOf(change.apply(current));
        validate.accept(next);
        if (validateOnly) {
          return Outcome.OK;
        }
        if (stat == null) {
          client.create().creatingParentsIfNeeded().forPath(path, ZkJson.topicConfig(next));
        } else {
          client.setData().withVersion(stat.getVersion()).forPath(path, ZkJson.topicConfig(next));
        }
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
        log.debug("topic {}: configuration changed under the alteration; reading again", topic);
        continue;
      } catch (io.sluice.protocol.SluiceException e) {
        throw e;
      } catch (Exception e) {
        return zooKeeperFailure("change the configuration of topic '" + topic + "'", e);
      }
      log.info("topic {}: configuration overrides now {}", topic, next);
      Map<String, String> written = next;
      if (await(s -> written.equals(s.topicConfig(topic)), timeoutMs) == null) {
        return new Outcome(
            Errors.REQUEST_TIMED_OUT,
            "the configuration of topic '" + topic + "' is stored but not applied here yet");
      }
      return Outcome.OK;
    }
    return new Outcome(
        Errors.REQUEST_TIMED_OUT,
        "the configuration of topic '" + topic + "' kept changing; try again");
  }

  private void ensureParent(String path) throws Exception {
    try {
      client.create().creatingParentsIfNeeded().forPath(path);
    } catch (KeeperException.NodeExistsException e) {
      // there already
    }
  }

  /** Asks the controller to delete a topic and waits up to {@code timeoutMs} for it. Blocks. */
  public Outcome deleteTopic(String topic, long timeoutMs) {
    Outcome refused = refuseChanges();
    if (refused != null) {
      return refused;
    }
    if (!cache.snapshot().topics().containsKey(topic)) {
      return new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, "no topic '" + topic + "'");
    }
    try {
      client.create().creatingParentsIfNeeded().forPath(ZkPaths.deleteTopic(topic));
    } catch (KeeperException.NodeExistsException e) {
      // already requested: wait for it like the first requester
    } catch (Exception e) {
      return zooKeeperFailure("delete topic '" + topic + "'", e);
    }
    if (await(s -> !s.topics().containsKey(topic), timeoutMs) == null) {
      return new Outcome(
          Errors.REQUEST_TIMED_OUT,
          "deletion of topic '" + topic + "' is requested but the controller has not done it yet");
    }
    return Outcome.OK;
  }

  /**
   * Leader election on request: the requests ({@code /admin/elect_leaders}) tell the controller;
   * their waiters follow the snapshots this broker applies (this listener comes after the
   * metadata's).
   */
  private void startLeaderElections() {
    ZkLeaderElections started =
        new ZkLeaderElections(client, cache.snapshot(), controller::changed);
    cache.addListener(started::applied);
    started.start();
    elections = started;
  }

  /**
   * Asks the controller for leader elections (ElectLeaders) and completes once it has answered and
   * this broker shows the leaders it elected, or at {@code timeoutMs}; see {@link
   * ZkLeaderElections}. Refused at once with {@code NOT_CONTROLLER} (clients retry) while ZooKeeper
   * is unreachable, no controller is elected or this broker has not registered yet. Never blocks.
   */
  public CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> electLeaders(
      LeaderElection.Type type, Set<LeaderElection.Partition> partitions, long timeoutMs) {
    Outcome refused = refuseChanges();
    ZkLeaderElections current = elections;
    if (refused == null && current == null) {
      refused = new Outcome(Errors.NOT_CONTROLLER, "this broker has not joined the cluster yet");
    }
    if (refused != null) {
      Map<LeaderElection.Partition, LeaderElection.Result> results = new LinkedHashMap<>();
      for (LeaderElection.Partition p : partitions) {
        results.put(p, new LeaderElection.Result(refused.error(), refused.message()));
      }
      return CompletableFuture.completedFuture(results);
    }
    return current.elect(type, partitions, timeoutMs);
  }

  private static final Outcome UNREACHABLE =
      new Outcome(
          Errors.NOT_CONTROLLER,
          "ZooKeeper is unreachable: topics cannot be created or deleted until it is back");

  private Outcome refuseChanges() {
    if (!client.getZookeeperClient().isConnected()) {
      return UNREACHABLE;
    }
    if (cache.snapshot().controllerId() < 0) {
      return new Outcome(Errors.NOT_CONTROLLER, "no controller is elected at the moment");
    }
    return null;
  }

  private static Outcome zooKeeperFailure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (e instanceof KeeperException.ConnectionLossException
        || e instanceof KeeperException.SessionExpiredException) {
      return UNREACHABLE;
    }
    return new Outcome(Errors.NOT_CONTROLLER, "cannot " + what + " in ZooKeeper: " + e);
  }

  private ClusterSnapshot await(
      java.util.function.Predicate<ClusterSnapshot> condition, long timeoutMs) {
    try {
      return cache.await(condition, timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * For {@link ZkReassignments}: throws {@code NOT_CONTROLLER} (retriable) when ZooKeeper cannot be
   * reached or no controller is elected, as topic creation refuses.
   */
  void requireWritable(String what) {
    Outcome refused = refuseChanges();
    if (refused != null) {
      throw new io.sluice.protocol.SluiceException(
          refused.error(), refused.message() + ": " + what);
    }
  }

  /** For {@link ZkReassignments}: a ZooKeeper failure as the exception handlers answer. */
  io.sluice.protocol.SluiceException zooKeeperFailureException(String what, Exception e) {
    Outcome outcome = zooKeeperFailure(what, e);
    return new io.sluice.protocol.SluiceException(outcome.error(), outcome.message());
  }

  /** Waits up to {@code timeoutMs} for a snapshot satisfying {@code condition}; null if none. */
  ClusterSnapshot awaitSnapshot(
      java.util.function.Predicate<ClusterSnapshot> condition, long timeoutMs) {
    return await(condition, timeoutMs);
  }

  /** The Curator client: for the ACL store, and for tests (to kill its session). */
  CuratorFramework client() {
    return client;
  }

  /**
   * Starts the cluster's SCRAM credential store ({@code /config/users}, watched); its changes are
   * written on {@code io}.
   */
  ZkScramCredentialStore scramCredentials(java.util.concurrent.Executor io) {
    try {
      return ZkScramCredentialStore.start(client, io, config.connectionTimeoutMs());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the SCRAM credentials from ZooKeeper: " + e, e);
    }
  }

  /**
   * Leaves the cluster: stops the controller (another broker takes over at once), the registration
   * and the cache, and closes the session, which removes the registration.
   */
  @Override
  public void close() {
    if (elections != null) {
      elections.close();
    }
    if (controller != null) {
      controller.close();
    }
    if (registrar != null) {
      registrar.close();
    }
    registrations.shutdownNow();
    cache.close();
    client.close();
  }
}
