package io.sluice.broker.cluster;

import io.sluice.broker.config.Endpoint;
import io.sluice.broker.group.OffsetsTopic;
import io.sluice.broker.metadata.BrokerAddress;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.PartitionState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The handlers' metadata view in cluster mode, answered from the last snapshot this broker has
 * applied (its local logs exist for every partition it is shown to lead).
 *
 * <p>What it shows: live brokers, each at its address for the listener asked about (a broker that
 * did not register that listener is left out, as Kafka does); topics whose partition states the
 * controller has written, not being deleted; each partition's leader, or -1 when it is offline,
 * when its leader is not registered any more, or when it is this broker and this broker is fenced
 * (not registered on its current ZooKeeper session). Leader epochs come from ZooKeeper, where only
 * the controller writes them, each one higher than the last.
 *
 * <p>Thread-safe and lock-free: one volatile read of an immutable view per call.
 */
final class ZkClusterMetadata implements ClusterMetadata {
  private final ZkCluster cluster;
  private final String defaultListener;
  private volatile View view;

  /**
   * One snapshot turned into what the handlers ask for: the live brokers' addresses by listener
   * name (a broker appears under each listener it registered). Immutable.
   */
  private record View(
      ClusterSnapshot snapshot, Map<String, List<BrokerAddress>> brokers, Set<String> topics) {}

  /**
   * @param defaultListener this broker's first listener: the one a request that came through no
   *     listener is answered for
   */
  ZkClusterMetadata(ZkCluster cluster, String defaultListener) {
    this.cluster = cluster;
    this.defaultListener = defaultListener;
    this.view = viewOf(ClusterSnapshot.EMPTY);
  }

  /** Publishes a snapshot; called on the cluster cache thread after the local logs follow it. */
  void publish(ClusterSnapshot snapshot) {
    view = viewOf(snapshot);
  }

  private static View viewOf(ClusterSnapshot snapshot) {
    Map<String, List<BrokerAddress>> brokers = new HashMap<>();
    for (BrokerInfo broker : snapshot.brokers().values()) { // sorted by id
      for (Endpoint endpoint : broker.endpoints()) {
        brokers
            .computeIfAbsent(endpoint.listenerName(), name -> new ArrayList<>())
            .add(new BrokerAddress(broker.id(), endpoint.host(), endpoint.port(), broker.rack()));
      }
    }
    brokers.replaceAll((name, list) -> List.copyOf(list));
    Set<String> topics = new TreeSet<>();
    snapshot
        .topics()
        .forEach(
            (name, info) -> {
              if (info.complete() && !snapshot.deleting().contains(name)) {
                topics.add(name);
              }
            });
    return new View(snapshot, Map.copyOf(brokers), Collections.unmodifiableSet(topics));
  }

  @Override
  public int localNodeId() {
    return cluster.brokerId();
  }

  @Override
  public String clusterId() {
    return cluster.clusterId();
  }

  @Override
  public int controllerId() {
    return view.snapshot().controllerId();
  }

  @Override
  public List<BrokerAddress> brokers(String listenerName) {
    return view.brokers()
        .getOrDefault(listenerName == null ? defaultListener : listenerName, List.of());
  }

  @Override
  public Set<String> topics() {
    return view.topics();
  }

  @Override
  public int partitionCount(String topic) {
    View v = view;
    return topic != null && v.topics().contains(topic)
        ? v.snapshot().topics().get(topic).partitionCount()
        : 0;
  }

  @Override
  public Optional<PartitionState> partition(String topic, int partition) {
    View v = view;
    if (topic == null || !v.topics().contains(topic)) {
      return Optional.empty();
    }
    TopicInfo info = v.snapshot().topics().get(topic);
    if (partition < 0 || partition >= info.partitionCount()) {
      return Optional.empty();
    }
    io.sluice.broker.cluster.PartitionState state = info.states().get(partition);
    int leader = state.leader();
    boolean leaderLive = v.snapshot().brokers().containsKey(leader);
    boolean fencedSelf = leader == cluster.brokerId() && cluster.brokerEpoch() < 0;
    if (!leaderLive || fencedSelf) {
      leader = io.sluice.broker.cluster.PartitionState.NO_LEADER;
    }
    return Optional.of(
        new PartitionState(
            leader, state.leaderEpoch(), info.replicas().get(partition), state.isr()));
  }

  /**
   * The leader of the group's partition of {@code __consumer_offsets} ({@link
   * OffsetsTopic#partitionFor}, as Kafka hashes), or -1 while the topic does not exist or that
   * partition has no live leader.
   */
  @Override
  public int coordinatorNodeId(String groupId) {
    int partitions = partitionCount(OffsetsTopic.NAME);
    if (partitions <= 0) {
      return -1;
    }
    return partition(OffsetsTopic.NAME, OffsetsTopic.partitionFor(groupId, partitions))
        .map(PartitionState::leader)
        .orElse(-1);
  }
}
