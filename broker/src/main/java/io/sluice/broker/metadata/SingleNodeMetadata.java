package io.sluice.broker.metadata;

import io.sluice.broker.config.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ClusterMetadata} of a broker that is its own cluster: it is the only broker, the
 * controller, and the leader and only replica of every partition, at leader epoch 0. The topics are
 * those {@link Topics} has published, so a topic appears with all its partitions at once.
 *
 * <p>Thread-safe and lock-free: reads go to {@link Topics}' published map (one volatile read) and
 * to {@link BrokerNode}, whose advertised addresses are published before the first connection.
 */
public final class SingleNodeMetadata implements ClusterMetadata {
  private final BrokerNode self;
  private final Topics topics;

  /** The one answer for every partition that exists: led here, epoch 0, this broker as the ISR. */
  private final Optional<PartitionState> ledHere;

  public SingleNodeMetadata(BrokerNode self, Topics topics) {
    this.self = self;
    this.topics = topics;
    List<Integer> replicas = List.of(self.nodeId());
    this.ledHere = Optional.of(new PartitionState(self.nodeId(), 0, replicas, replicas));
  }

  @Override
  public int localNodeId() {
    return self.nodeId();
  }

  @Override
  public String clusterId() {
    return self.clusterId();
  }

  @Override
  public int controllerId() {
    return self.nodeId();
  }

  /**
   * This broker at its address for that listener (none if it has no such listener); throws {@code
   * IllegalStateException} before its listeners are bound.
   */
  @Override
  public List<BrokerAddress> brokers(String listenerName) {
    Endpoint advertised = self.advertised(listenerName);
    return advertised == null
        ? List.of()
        : List.of(new BrokerAddress(self.nodeId(), advertised.host(), advertised.port()));
  }

  @Override
  public Set<String> topics() {
    return topics.all();
  }

  @Override
  public int partitionCount(String topic) {
    return topics.partitionCount(topic);
  }

  @Override
  public Optional<PartitionState> partition(String topic, int partition) {
    return partition >= 0 && partition < topics.partitionCount(topic) ? ledHere : Optional.empty();
  }
}
