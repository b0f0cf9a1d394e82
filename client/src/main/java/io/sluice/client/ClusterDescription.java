package io.sluice.client;

import java.util.List;

/**
 * The cluster as a broker describes it (DescribeCluster): its id, the controller's broker id (-1
 * when there is none at the moment) and the live brokers, sorted by id. Immutable.
 */
public record ClusterDescription(String clusterId, int controllerId, List<Broker> brokers) {
  public ClusterDescription {
    brokers = List.copyOf(brokers);
  }

  /** A live broker: its id, where clients reach it, and its rack (null if it has none). */
  public record Broker(int id, String host, int port, String rack) {}
}
