package io.sluice.broker.cluster;

import io.sluice.broker.config.Endpoint;
import java.util.List;

/**
 * A live broker as registered in {@code /brokers/ids/{id}}: where clients reach it (one advertised
 * endpoint per listener, as Kafka's {@code endpoints}), its rack (null if none) and its epoch, the
 * creation id (czxid) of the registration. A broker that restarts, or registers again after its
 * ZooKeeper session expired, gets a larger epoch, which tells it apart from its stale self.
 * Immutable.
 */
public record BrokerInfo(int id, List<Endpoint> endpoints, String rack, long epoch) {

  public BrokerInfo {
    endpoints = List.copyOf(endpoints);
  }

  /** The endpoint of listener {@code listenerName}, or null if this broker does not have it. */
  public Endpoint endpoint(String listenerName) {
    for (Endpoint endpoint : endpoints) {
      if (endpoint.listenerName().equals(listenerName)) {
        return endpoint;
      }
    }
    return null;
  }
}
