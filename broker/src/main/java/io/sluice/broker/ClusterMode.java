package io.sluice.broker;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.security.acl.AclStore;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A broker's membership of a cluster ({@code zookeeper.connect} set): the metadata view and topic
 * administration the handlers use instead of the single-node ones, and the registration made once
 * the listener is bound.
 *
 * <p>The implementation ({@code io.sluice.broker.cluster.ZkClusterMode}) is loaded by name, only in
 * cluster mode, so that a single-node broker loads no ZooKeeper or Curator class at all: this
 * interface names none of their types.
 */
public interface ClusterMode extends AutoCloseable {
  String IMPLEMENTATION = "io.sluice.broker.cluster.ZkClusterMode";

  /**
   * Broker ids in cluster mode are below this: producer ids are interleaved by broker id with this
   * stride, so that two brokers never hand out the same one.
   */
  int MAX_BROKERS = 1024;

  /** The cluster's id (made by the first broker, shared by all). */
  String clusterId();

  ClusterMetadata metadata();

  TopicAdmin topicAdmin();

  /**
   * Followers' progress, the high watermarks and the in-sync replicas of the partitions led here.
   */
  Replication replication();

  /**
   * The cluster's ACLs in ZooKeeper (Kafka's {@code /kafka-acl} layout), watched so that every
   * broker applies every change.
   */
  AclStore aclStore();

  /**
   * The SCRAM credentials every broker of the cluster shares (ZooKeeper's {@code
   * /config/users/<user>}).
   */
  default io.sluice.broker.security.sasl.ScramCredentialStore scramCredentials() {
    return io.sluice.broker.security.sasl.ScramCredentialStore.NONE;
  }

  /**
   * The client quotas every broker of the cluster shares (ZooKeeper's {@code /config/users} and
   * {@code /config/clients}).
   */
  default io.sluice.broker.quota.ClientQuotaStore clientQuotas() {
    return io.sluice.broker.quota.ClientQuotaStore.NONE;
  }

  /**
   * Registers this broker with the addresses clients reach it at, one per listener (the first
   * listener first); joins the controller election.
   */
  void register(List<Endpoint> advertised);

  /**
   * What this broker is told when it starts or stops leading a partition (the group coordinator
   * follows the partitions of {@code __consumer_offsets} with it). Called on the cluster-state
   * thread, in order; implementations return quickly and never block on a request.
   */
  interface LeadershipListener {
    /** This broker now leads {@code tp} (of a topic of {@code partitionCount}) in that epoch. */
    void becameLeader(TopicPartition tp, int leaderEpoch, int partitionCount, Log log);

    /**
     * This broker no longer leads {@code tp} (a new epoch elsewhere, offline, deleted, closing).
     */
    void resigned(TopicPartition tp);
  }

  /** Tells {@code listener} of every leadership change from now on; set before registering. */
  void addLeadershipListener(LeadershipListener listener);

  /** Leaves the cluster (the registration goes, another controller is elected). */
  @Override
  void close();

  /**
   * Connects to the cluster: reads its state and makes this broker's logs follow it.
   *
   * @param proposedClusterId the id a new cluster gets (this broker's stored one if it has one)
   * @param admin the thread topic administration runs on
   */
  static ClusterMode join(
      BrokerConfig config, LogManager logs, String proposedClusterId, Executor admin) {
    try {
      return (ClusterMode)
          Class.forName(IMPLEMENTATION)
              .getMethod("join", BrokerConfig.class, LogManager.class, String.class, Executor.class)
              .invoke(null, config, logs, proposedClusterId, admin);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("cannot join the cluster: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cluster mode is not available: " + e, e);
    }
  }
}
