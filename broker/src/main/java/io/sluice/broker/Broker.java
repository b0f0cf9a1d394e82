package io.sluice.broker;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.group.CommittedOffsets;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.metadata.BrokerNode;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.ProducerIds;
import io.sluice.broker.metadata.SingleNodeMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.Topics;
import io.sluice.broker.purgatory.FetchWaiters;
import io.sluice.broker.server.ServerStats;
import io.sluice.broker.server.SluiceServer;
import io.sluice.broker.storage.LogManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
  private final CommittedOffsets offsets;
  private final GroupCoordinator groups;
  private final ExecutorService metadataAdmin;
  private final ClusterMode cluster;
  private final SluiceServer server;
  private final Endpoint advertised;
  private boolean closed;

  private Broker(
      BrokerConfig config,
      LogManager logs,
      CommittedOffsets offsets,
      GroupCoordinator groups,
      ExecutorService metadataAdmin,
      ClusterMode cluster,
      SluiceServer server,
      Endpoint advertised) {
    this.config = config;
    this.logs = logs;
    this.offsets = offsets;
    this.groups = groups;
    this.metadataAdmin = metadataAdmin;
    this.cluster = cluster;
    this.server = server;
    this.advertised = advertised;
  }

  /** Starts a broker; on failure, whatever was opened is closed again. */
  public static Broker start(BrokerConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static Broker start(BrokerConfig config, Clock clock) {
    Path stateDir = config.logDirs().get(0);
    for (Path dir : config.logDirs()) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create log directory " + dir, e);
      }
    }
    // The logs come first: opening them locks every log directory, so that nothing in a
    // directory another broker holds (meta.properties included) is read or written.
    LogManager logs = LogManager.open(config.log(), clock);
    CommittedOffsets offsets = null;
    GroupCoordinator groups = null;
    ExecutorService metadataAdmin = null;
    ClusterMode cluster = null;
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
      offsets = CommittedOffsets.open(stateDir);
      groups = GroupCoordinator.open(config.groups(), stateDir);
      BrokerNode node = new BrokerNode(config.nodeId(), clusterId);
      Topics topics = new Topics(logs, metadataAdmin);
      ClusterMetadata metadata =
          cluster != null ? cluster.metadata() : new SingleNodeMetadata(node, topics);
      TopicAdmin topicAdmin = cluster != null ? cluster.topicAdmin() : topics;
      ProducerIds producerIds =
          cluster != null
              ? new ProducerIds(stateDir, metadataAdmin, ClusterMode.MAX_BROKERS, config.nodeId())
              : new ProducerIds(stateDir, metadataAdmin);
      HandlerRegistry handlers =
          HandlerRegistry.forBroker(
              config, metadata, topicAdmin, logs, new FetchWaiters(), producerIds, offsets, groups);
      SluiceServer server = SluiceServer.start(config, handlers);
      Endpoint advertised = config.advertised(server.localAddress().getPort());
      node.advertise(advertised);
      if (cluster != null) {
        cluster.register(advertised);
      }
      log.info(
          "Sluice broker {} started: listening on {}, advertised as {}, data in {}",
          config.nodeId(),
          server.localAddress(),
          advertised,
          config.logDirs());
      return new Broker(config, logs, offsets, groups, metadataAdmin, cluster, server, advertised);
    } catch (RuntimeException e) {
      if (metadataAdmin != null) {
        stop(metadataAdmin);
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

  /** The bound address (the real port when the listener asked for port 0). */
  public InetSocketAddress localAddress() {
    return server.localAddress();
  }

  /** The address clients are told to use, as {@code host:port}. */
  public String bootstrapServers() {
    return advertised.host() + ":" + advertised.port();
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
    try {
      server.close();
    } finally {
      try {
        stop(metadataAdmin);
        if (cluster != null) {
          cluster.close(); // the registration goes: the controller takes this broker's partitions
        }
        groups.close();
        offsets.close();
      } finally {
        logs.close();
      }
    }
    log.info("broker {} shut down cleanly", config.nodeId());
  }
}
