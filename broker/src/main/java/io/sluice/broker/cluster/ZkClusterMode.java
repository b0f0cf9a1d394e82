package io.sluice.broker.cluster;

import io.sluice.broker.ClusterMode;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.InterBrokerSecurity;
import io.sluice.broker.config.Listeners;
import io.sluice.broker.config.SecurityProtocol;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.quota.ClientQuotaStore;
import io.sluice.broker.security.acl.AclStore;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.broker.storage.LogManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode on ZooKeeper: wires {@link ZkCluster} to the broker. Every new cluster snapshot is
 * applied in order, on the cache thread, before it is published: the local logs follow it ({@link
 * LocalReplicas}), then the handlers' view shows it ({@link ZkClusterMetadata}). Loaded by name
 * from {@link ClusterMode#join}. Thread-safe.
 */
public final class ZkClusterMode implements ClusterMode {
  private static final Logger log = LoggerFactory.getLogger(ZkClusterMode.class);

  private final ZkCluster cluster;
  private final LocalReplicas replicas;
  private final ZkClusterMetadata metadata;
  private final ZkTopicAdmin admin;
  private final Map<String, SecurityProtocol> protocols;
  private final ReplicaManager replication;
  private final long connectionTimeoutMs;
  private final ZkScramCredentialStore scram;
  private final ZkClientQuotaStore quotas;
  private long applied = -1;

  private ZkClusterMode(
      ZkCluster cluster,
      LogManager logs,
      Executor adminThread,
      BrokerConfig config,
      InterBrokerConnector connector) {
    this.cluster = cluster;
    this.replicas = new LocalReplicas(cluster.brokerId(), logs);
    Listeners listeners = config.listeners();
    this.metadata = new ZkClusterMetadata(cluster, listeners.first().listenerName());
    this.protocols = listeners.protocols();
    this.connectionTimeoutMs = config.zooKeeper().connectionTimeoutMs();
    this.admin =
        new ZkTopicAdmin(
            cluster, adminThread, config.replication().defaultReplicationFactor(), logs.config());
    this.replication = new ReplicaManager(cluster, logs, config.replication(), connector);
    cluster.preferredLeaderElection(config.replication().autoLeaderRebalance());
    this.scram = cluster.scramCredentials(adminThread);
    this.quotas = clientQuotas(cluster, adminThread, connectionTimeoutMs, scram);
  }

  /** The cluster's client quotas ({@code /config/users}, {@code /config/clients}). */
  private static ZkClientQuotaStore clientQuotas(
      ZkCluster cluster, Executor io, long timeoutMs, ZkScramCredentialStore scram) {
    try {
      return ZkClientQuotaStore.start(cluster.client(), io, timeoutMs);
    } catch (Exception e) {
      scram.close();
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("cannot load the client quotas from ZooKeeper: " + e, e);
    }
  }

  /** Called reflectively by {@link ClusterMode#join}. */
  public static ClusterMode join(
      BrokerConfig config, LogManager logs, String proposedClusterId, Executor admin) {
    if (config.nodeId() >= ClusterMode.MAX_BROKERS) {
      throw new IllegalArgumentException(
          "broker.id " + config.nodeId() + " must be below " + ClusterMode.MAX_BROKERS);
    }
    // The followers' connection setup (the inter-broker listener's protocol, TLS stores and SASL
    // credentials), checked before ZooKeeper is touched: a broker that could not reach the others
    // stops here, naming the key.
    InterBrokerSecurity security = InterBrokerSecurity.of(config);
    InterBrokerConnector connector = new InterBrokerConnector(security);
    log.info("broker {}: connects to other brokers as {}", config.nodeId(), security);
    ZkCluster cluster = ZkCluster.connect(config.zooKeeper(), config.nodeId(), proposedClusterId);
    ZkClusterMode mode = null;
    try {
      mode = new ZkClusterMode(cluster, logs, admin, config, connector);
      cluster.addListener(mode::apply);
      mode.apply(cluster.snapshot());
      return mode;
    } catch (RuntimeException e) {
      if (mode != null) {
        mode.replication.close();
        mode.scram.close();
        mode.quotas.close();
      }
      cluster.close();
      throw e;
    }
  }

  /** Applies a snapshot unless a newer one was applied already. */
  private synchronized void apply(ClusterSnapshot snapshot) {
    if (snapshot.generation() <= applied) {
      return;
    }
    applied = snapshot.generation();
    try {
      replicas.apply(snapshot);
    } catch (RuntimeException e) {
      log.error("broker {}: local logs do not follow the cluster state", cluster.brokerId(), e);
    }
    replication.apply(snapshot);
    try {
      replicas.dropUnassigned(snapshot);
    } catch (RuntimeException e) {
      log.error("broker {}: cannot delete the logs moved away", cluster.brokerId(), e);
    }
    metadata.publish(snapshot);
  }

  @Override
  public String clusterId() {
    return cluster.clusterId();
  }

  @Override
  public ClusterMetadata metadata() {
    return metadata;
  }

  @Override
  public TopicAdmin topicAdmin() {
    return admin;
  }

  @Override
  public Replication replication() {
    return replication;
  }

  @Override
  public AclStore aclStore() {
    return new ZkAclStore(cluster.client(), connectionTimeoutMs);
  }

  @Override
  public void addLeadershipListener(LeadershipListener listener) {
    replication.addLeadershipListener(listener);
  }

  @Override
  public void register(List<Endpoint> advertised) {
    cluster.register(advertised, protocols);
  }

  @Override
  public ScramCredentialStore scramCredentials() {
    return scram;
  }

  @Override
  public ClientQuotaStore clientQuotas() {
    return quotas;
  }

  @Override
  public void close() {
    replication.close();
    scram.close();
    quotas.close();
    cluster.close();
  }
}
