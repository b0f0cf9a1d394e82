package io.sluice.broker.metadata;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as the handlers see it: which brokers exist, which topics and partitions exist, and
 * which broker leads each partition at which leader epoch. This is the one place handlers read
 * metadata from; they never know which mode fills it. The single-node mode fills it locally ({@link
 * SingleNodeMetadata}); a coordinated mode fills it from elsewhere (watches on a coordination
 * service) without a handler changing.
 *
 * <p>Invariants every implementation keeps:
 *
 * <ul>
 *   <li>A topic is seen either not at all or with all its partitions: {@link #partitionCount} is 0
 *       or the full count, and {@link #partition} answers for every index below it.
 *   <li>A partition that exists has a leader that is one of {@link #brokers} or -1 (none right
 *       now), and a leader epoch that never decreases for that partition while the topic exists.
 *   <li>Nothing here throws on client input: unknown topics, null names and impossible partition
 *       numbers answer 0 or empty.
 * </ul>
 *
 * <p>Thread safety: every method may be called from any thread, event loops included, and must not
 * block (no I/O, no waiting for a lock held during I/O). Each answer is consistent in itself; two
 * calls may see different versions of the metadata, so a caller that needs the same topic twice
 * treats an answer that disappeared in between as "does not exist".
 */
public interface ClusterMetadata {

  /** The node id of the broker this view belongs to. */
  int localNodeId();

  /** The cluster id clients see in Metadata responses. */
  String clusterId();

  /** The node id of the controller, or -1 if there is none right now. */
  int controllerId();

  /**
   * The brokers that are up and have listener {@code listenerName}, sorted by node id, each at its
   * address for that listener (a client is only ever told addresses of the listener it connected
   * to; a broker without it is left out, as Kafka does). A null name means this broker's first
   * listener. Immutable.
   */
  List<BrokerAddress> brokers(String listenerName);

  /**
   * The broker with this node id at its address for {@code listenerName}, if it is up and has it.
   */
  default Optional<BrokerAddress> broker(int nodeId, String listenerName) {
    for (BrokerAddress broker : brokers(listenerName)) {
      if (broker.nodeId() == nodeId) {
        return Optional.of(broker);
      }
    }
    return Optional.empty();
  }

  /** The topics that exist, sorted; immutable. */
  Set<String> topics();

  /** The topic's partition count, 0 if it does not exist (or is not fully created yet). */
  int partitionCount(String topic);

  default boolean exists(String topic) {
    return partitionCount(topic) > 0;
  }

  /** The partition's leader and replicas, or empty if the topic or the partition does not exist. */
  Optional<PartitionState> partition(String topic, int partition);

  /**
   * The node id of the broker that coordinates this consumer group, or -1 if none is available. The
   * same answer on every broker that has the same view of the brokers.
   */
  default int coordinatorNodeId(String groupId) {
    return localNodeId();
  }
}
