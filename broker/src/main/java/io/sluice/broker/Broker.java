package io.sluice.broker;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.group.CommittedOffsets;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.group.OffsetsTopic;
import io.sluice.broker.group.ReplicatedGroupStorage;
import io.sluice.broker.handler.Authorization;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.metadata.BrokerNode;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.ProducerIds;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.metadata.SingleNodeMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.Topics;
import io.sluice.broker.metrics.BrokerMetrics;
import io.sluice.broker.metrics.BrokerSources;
import io.sluice.broker.purgatory.FetchWaiters;
import io.sluice.broker.quota.ClientQuotaStore;
import io.sluice.broker.quota.ClientQuotas;
import io.sluice.broker.quota.FileClientQuotaStore;
import io.sluice.broker.security.acl.AclFile;
import io.sluice.broker.security.acl.AclStore;
import io.sluice.broker.security.acl.Authorizer;
import io.sluice.broker.security.acl.AuthorizerConfig;
import io.sluice.broker.security.sasl.FileScramCredentialStore;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.broker.server.RequestObserver;
import io.sluice.broker.server.ServerStats;
import io.sluice.broker.server.SluiceServer;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the logs (recovering them), the committed offsets, the groups, the
 * metadata (with the {@code sluice-metadata-admin} thread that creates and deletes topics and
 * reserves producer-id blocks), the handlers and the server, in that order, and closes them in
 * reverse. It creates and owns the threads of the services it wires; handlers own none. {@link
 * #close} is the clean shutdown: no request is in progress when the logs close (flush, checkpoints,
 * clean-shutdown marker). Thread-safe; close is idempotent.
 */
public final class Broker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  private final BrokerConfig config;
  private final LogManager logs;
  private final OffsetStore offsets;
  private final GroupCoordinator groups;
  private final ExecutorService metadataAdmin;
  private final ClusterMode cluster;
  private final SluiceServer server;
  private final List<Endpoint> advertised; // one per listener, the first listener first
  private final BrokerMetrics metrics; // null when metrics.port is -1
  private final Authorizer authorizer; // null without authorizer.class.name
  private final ClientQuotas quotas;
  private boolean closed;

  private Broker(
      BrokerConfig config,
      LogManager logs,
      OffsetStore offsets,
      GroupCoordinator groups,
      ExecutorService metadataAdmin,
      ClusterMode cluster,
      SluiceServer server,
      List<Endpoint> advertised,
      BrokerMetrics metrics,
      Authorizer authorizer,
      ClientQuotas quotas) {
    this.config = config;
    this.logs = logs;
    this.offsets = offsets;
    this.groups = groups;
    this.metadataAdmin = metadataAdmin;
    this.cluster = cluster;
    this.server = server;
    this.advertised = advertised;
    this.metrics = metrics;
    this.authorizer = authorizer;
    this.quotas = quotas;
  }

  /** Every group's committed offsets, for the metrics (a snapshot). */
  private static Map<String, Map<TopicPartition, Long>> committedOffsets(OffsetStore offsets) {
    Map<String, Map<TopicPartition, Long>> all = new HashMap<>();
    for (String group : offsets.groupIds()) {
      Map<TopicPartition, Long> byPartition = new HashMap<>();
      offsets.committed(group).forEach((tp, committed) -> byPartition.put(tp, committed.offset()));
      all.put(group, byPartition);
    }
    return all;
  }

  /** Starts a broker; on failure, whatever was opened is closed again. */
  public static Broker start(BrokerConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static Broker start(BrokerConfig config, Clock clock) {
    Path stateDir = config.logDirs().get(0);
    AuthorizerConfig authorizerConfig = AuthorizerConfig.from(config); // checked before anything
    // First, so that /health answers (and /ready says "not ready") during a long recovery.
    BrokerMetrics metrics =
        config.metricsEnabled()
            ? BrokerMetrics.start(config.metricsHost(), config.metricsPort())
            : null;
    LogManager logs;
    try {
      for (Path dir : config.logDirs()) {
        try {
          Files.createDirectories(dir);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create log directory " + dir, e);
        }
      }
      // The logs come first: opening them locks every log directory, so that nothing in a
      // directory another broker holds (meta.properties included) is read or written.
      logs = LogManager.open(config.log(), clock);
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      throw e;
    }
    OffsetStore offsets = null;
    GroupCoordinator groups = null;
    ExecutorService metadataAdmin = null;
    ClusterMode cluster = null;
    Authorizer authorizer = null;
    try {
      String clusterId = BrokerMetadata.loadOrCreate(stateDir, config.nodeId());
      metadataAdmin = newMetadataAdmin();
      if (config.clusterMode()) {
        // Loaded by name: a single-node broker loads no ZooKeeper or Curator class.
        cluster = ClusterMode.join(config, logs, clusterId, metadataAdmin);
        BrokerMetadata.adopt(
            stateDir, config.nodeId(), clusterId, cluster.clusterId(), !logs.topics().isEmpty());
        clusterId = cluster.clusterId();
      }
      if (cluster != null) {
        ReplicatedGroupStorage storage = new ReplicatedGroupStorage();
        offsets = storage;
        groups = GroupCoordinator.replicated(config.groups(), storage);
        followOffsetsTopic(
            cluster, storage, cluster.replication(), config.offsetsTopic().commitTimeoutMs());
      } else {
        offsets = CommittedOffsets.open(stateDir);
        groups = GroupCoordinator.open(config.groups(), stateDir);
      }
      // Offset expiry (offsets.retention.minutes)
      groups.expireOffsetsPeriodically(
          offsets, config.offsetRetention(), System::currentTimeMillis);
      BrokerNode node = new BrokerNode(config.nodeId(), clusterId);
      Topics topics = new Topics(logs, metadataAdmin);
      ClusterMetadata metadata =
          cluster != null ? cluster.metadata() : new SingleNodeMetadata(node, topics);
      TopicAdmin topicAdmin = cluster != null ? cluster.topicAdmin() : topics;
      ProducerIds producerIds =
          cluster != null
              ? new ProducerIds(stateDir, metadataAdmin, ClusterMode.MAX_BROKERS, config.nodeId())
              : new ProducerIds(stateDir, metadataAdmin);
      FetchWaiters fetchWaiters = new FetchWaiters();
      if (authorizerConfig.enabled()) {
        authorizer = Authorizer.open(authorizerConfig, aclStore(cluster, stateDir), metadataAdmin);
      }
      ScramCredentialStore scram = scramCredentials(cluster, stateDir, metadataAdmin);
      ClientQuotas quotas =
          new ClientQuotas(
              clientQuotas(cluster, stateDir, metadataAdmin),
              config.quotaWindowNum(),
              config.quotaWindowSizeSeconds(),
              clock::millis);
      HandlerRegistry handlers =
          HandlerRegistry.forBroker(
              config,
              metadata,
              topicAdmin,
              logs,
              fetchWaiters,
              producerIds,
              offsets,
              groups,
              cluster != null ? cluster.replication() : Replication.NONE,
              scram,
              authorizer == null ? Authorization.NONE : new Authorization(authorizer),
              quotas);
      if (metrics != null) {
        logs.setFlushObserver(metrics.flushObserver());
      }
      SluiceServer server =
          SluiceServer.start(
              config,
              handlers,
              metrics == null ? RequestObserver.NONE : metrics.requestObserver(),
              scram);
      List<Endpoint> advertised = new ArrayList<>();
      server
          .localAddresses()
          .forEach(
              (name, bound) ->
                  advertised.add(config.listeners().advertised(name, bound.getPort())));
      node.advertise(advertised);
      if (cluster != null) {
        cluster.register(advertised);
      }
      if (metrics != null) {
        OffsetStore committed = offsets;
        metrics.brokerStarted(
            new BrokerSources(
                logs::logs,
                () -> committedOffsets(committed),
                server.stats(),
                fetchWaiters::parkedFetches));
        metrics.quotas(quotas);
        log.info(
            "metrics, health and readiness on http://{}:{}/",
            metrics.address().getHostString(),
            metrics.address().getPort());
      }
      log.info(
          "Sluice broker {} started: listening on {}, advertised as {}, data in {}",
          config.nodeId(),
          server.localAddresses().values(),
          advertised,
          config.logDirs());
      return new Broker(
          config,
          logs,
          offsets,
          groups,
          metadataAdmin,
          cluster,
          server,
          advertised,
          metrics,
          authorizer,
          quotas);
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      if (metadataAdmin != null) {
        stop(metadataAdmin);
      }
      if (authorizer != null) {
        authorizer.close();
      }
      if (cluster != null) {
        cluster.close();
      }
      if (groups != null) {
        groups.close();
      }
      if (offsets != null) {
        offsets.close();
      }
      logs.close();
      throw e;
    }
  }

  /** Where the ACLs are kept: ZooKeeper in cluster mode, else a file in the first log dir. */
  private static AclStore aclStore(ClusterMode cluster, Path stateDir) {
    return cluster != null ? cluster.aclStore() : AclFile.open(stateDir);
  }

  /**
   * In a cluster the group coordinator follows the partitions of {@code __consumer_offsets} this
   * broker leads: it loads one when it becomes its leader and unloads it when it stops.
   */
  private static void followOffsetsTopic(
      ClusterMode cluster, ReplicatedGroupStorage storage, Replication replication, int timeoutMs) {
    cluster.addLeadershipListener(
        new ClusterMode.LeadershipListener() {
          @Override
          public void becameLeader(
              TopicPartition tp, int leaderEpoch, int partitionCount, Log log) {
            if (OffsetsTopic.NAME.equals(tp.topic())) {
              storage.becameLeader(
                  tp.partition(),
                  partitionCount,
                  leaderEpoch,
                  new OffsetsPartitionLog(log, replication, timeoutMs));
            }
          }

          @Override
          public void resigned(TopicPartition tp) {
            if (OffsetsTopic.NAME.equals(tp.topic())) {
              storage.resigned(tp.partition());
            }
          }
        });
  }

  /**
   * Where SCRAM credentials live: {@code scram-credentials} in the first log directory on a single
   * node; in cluster mode the cluster's store (ZooKeeper), when it has one.
   */
  private static ScramCredentialStore scramCredentials(
      ClusterMode cluster, Path stateDir, Executor io) {
    if (cluster != null) {
      return cluster.scramCredentials();
    }
    try {
      return FileScramCredentialStore.open(stateDir, io);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the SCRAM credentials", e);
    }
  }

  /**
   * Where client quotas live: {@code client-quotas} in the first log directory on a single node; in
   * cluster mode ZooKeeper ({@code /config/users}, {@code /config/clients}).
   */
  private static ClientQuotaStore clientQuotas(ClusterMode cluster, Path stateDir, Executor io) {
    if (cluster != null) {
      return cluster.clientQuotas();
    }
    try {
      return FileClientQuotaStore.open(stateDir, io);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the client quotas", e);
    }
  }

  /** One thread for metadata writes, so that none of them runs on an event loop. */
  private static ExecutorService newMetadataAdmin() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "sluice-metadata-admin");
          t.setDaemon(true);
          return t;
        });
  }

  /** Lets a topic creation or deletion in progress finish, then stops the thread. */
  private static void stop(ExecutorService metadataAdmin) {
    metadataAdmin.shutdown();
    try {
      metadataAdmin.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public BrokerConfig config() {
    return config;
  }

  /** The first listener's bound address (the real port when it asked for port 0). */
  public InetSocketAddress localAddress() {
    return server.localAddress();
  }

  /** Every listener's bound address by listener name, the first listener first. */
  public Map<String, InetSocketAddress> localAddresses() {
    return server.localAddresses();
  }

  /** The address clients of the first listener are told to use, as {@code host:port}. */
  public String bootstrapServers() {
    Endpoint first = advertised.get(0);
    return first.host() + ":" + first.port();
  }

  /**
   * The address clients of listener {@code listenerName} are told to use, as {@code host:port}.
   *
   * @throws IllegalArgumentException if there is no such listener
   */
  public String bootstrapServers(String listenerName) {
    for (Endpoint endpoint : advertised) {
      if (endpoint.listenerName().equals(listenerName)) {
        return endpoint.host() + ":" + endpoint.port();
      }
    }
    throw new IllegalArgumentException("no listener named " + listenerName);
  }

  /** The metrics endpoint's bound address, or null when {@code metrics.port} is -1. */
  public InetSocketAddress metricsAddress() {
    return metrics == null ? null : metrics.address();
  }

  /** The client quotas: their store and the enforcement's counters. */
  public ClientQuotas clientQuotas() {
    return quotas;
  }

  public ServerStats serverStats() {
    return server.stats();
  }

  public boolean usesEpoll() {
    return server.usesEpoll();
  }

  /**
   * Clean shutdown: stop serving (close every connection, stop the event loops), let a topic
   * creation or deletion in progress finish, write the committed offsets and the groups, then close
   * the logs.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("shutting down broker {}", config.nodeId());
    if (metrics != null) {
      metrics.shuttingDown();
    }
    try {
      server.close();
    } finally {
      try {
        stop(metadataAdmin);
        if (authorizer != null) {
          authorizer.close();
        }
        if (cluster != null) {
          cluster.close(); // the registration goes: the controller takes this broker's partitions
        }
        groups.close();
        offsets.close();
      } finally {
        try {
          logs.close();
        } finally {
          if (metrics != null) {
            metrics.close();
          }
        }
      }
    }
    log.info("broker {} shut down cleanly", config.nodeId());
  }
}
