package io.sluice.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.metadata.BrokerAddress;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.PartitionState;
import io.sluice.protocol.Errors;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The data-path handlers' answer for a partition this broker has no log for, from a view of a
 * three-broker cluster seen from broker 1: led elsewhere, led by nobody, or unknown.
 */
class LeaderLogsTest {
  /** Topic "t": partition 0 led by broker 2, partition 1 offline, partition 2 led here. */
  private static final ClusterMetadata VIEW =
      new ClusterMetadata() {
        @Override
        public int localNodeId() {
          return 1;
        }

        @Override
        public String clusterId() {
          return "c";
        }

        @Override
        public int controllerId() {
          return 2;
        }

        @Override
        public List<BrokerAddress> brokers(String listenerName) {
          return List.of(
              new BrokerAddress(1, "127.0.0.1", 1),
              new BrokerAddress(2, "127.0.0.1", 2),
              new BrokerAddress(3, "127.0.0.1", 3));
        }

        @Override
        public Set<String> topics() {
          return Set.of("t");
        }

        @Override
        public int partitionCount(String topic) {
          return "t".equals(topic) ? 3 : 0;
        }

        @Override
        public Optional<PartitionState> partition(String topic, int partition) {
          if (!"t".equals(topic) || partition < 0 || partition > 2) {
            return Optional.empty();
          }
          int leader = partition == 0 ? 2 : partition == 1 ? -1 : 1;
          return Optional.of(new PartitionState(leader, 3, List.of(leader), List.of(leader)));
        }
      };

  private final LeaderLogs logs = new LeaderLogs(VIEW, null);

  @Test
  void aPartitionLedByAnotherBrokerIsNotLeaderOrFollower() {
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, logs.whyNoLog("t", 0));
  }

  @Test
  void anOfflinePartitionHasNoLeaderAvailable() {
    assertEquals(Errors.LEADER_NOT_AVAILABLE, logs.whyNoLog("t", 1));
  }

  @Test
  void unknownTopicsAndPartitionsAreUnknown() {
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, logs.whyNoLog("t", 3));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, logs.whyNoLog("nope", 0));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, logs.whyNoLog(null, 0));
    // Led here but its log is gone (a deletion in progress): unknown too.
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, logs.whyNoLog("t", 2));
    assertTrue(Errors.NOT_LEADER_OR_FOLLOWER.retriable());
  }
}
