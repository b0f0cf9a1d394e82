package io.sluice.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.Endpoint;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.Errors;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-node view: this broker is the cluster, leads every partition at epoch 0. */
class SingleNodeMetadataTest {
  @TempDir Path dir;

  @Test
  void partition_existingTopic_ledHereAtEpochZeroOutOfRangeEmpty() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs);
      ClusterMetadata metadata = new SingleNodeMetadata(new BrokerNode(7, "c1"), topics);
      assertEquals(Errors.NONE, topics.create("orders", 2, false));

      assertEquals(7, metadata.localNodeId());
      assertEquals(7, metadata.controllerId());
      assertEquals("c1", metadata.clusterId());
      assertEquals(Set.of("orders"), metadata.topics());
      assertEquals(2, metadata.partitionCount("orders"));
      PartitionState state = metadata.partition("orders", 1).orElseThrow();
      assertEquals(new PartitionState(7, 0, List.of(7), List.of(7)), state);
      assertEquals(Optional.empty(), metadata.partition("orders", 2));
      assertEquals(Optional.empty(), metadata.partition("orders", -1));
      assertEquals(Optional.empty(), metadata.partition("missing", 0));
      assertEquals(Optional.empty(), metadata.partition(null, 0));
      assertEquals(0, metadata.partitionCount(null));

      assertEquals(Errors.NONE, topics.delete("orders"));
      assertEquals(Optional.empty(), metadata.partition("orders", 0));
      assertTrue(metadata.topics().isEmpty());
    }
  }

  @Test
  void brokers_beforeAndAfterTheListenerIsBound_thisBrokerOnceAdvertised() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      BrokerNode node = new BrokerNode(3, "c1");
      ClusterMetadata metadata = new SingleNodeMetadata(node, new Topics(logs));
      assertThrows(IllegalStateException.class, () -> metadata.brokers(null));

      node.advertise(
          List.of(
              new Endpoint("PLAINTEXT", "127.0.0.1", 9093),
              new Endpoint("PLAINTEXT_HOST", "localhost", 19093)));
      assertEquals(List.of(new BrokerAddress(3, "127.0.0.1", 9093)), metadata.brokers(null));
      assertEquals(List.of(new BrokerAddress(3, "127.0.0.1", 9093)), metadata.brokers("PLAINTEXT"));
      assertEquals(
          List.of(new BrokerAddress(3, "localhost", 19093)), metadata.brokers("PLAINTEXT_HOST"));
      assertEquals(List.of(), metadata.brokers("OTHER"));
      assertEquals(
          Optional.of(new BrokerAddress(3, "localhost", 19093)),
          metadata.broker(3, "PLAINTEXT_HOST"));
      assertEquals(Optional.empty(), metadata.broker(3, "OTHER"));
      assertEquals(Optional.empty(), metadata.broker(4, null));
    }
  }
}
