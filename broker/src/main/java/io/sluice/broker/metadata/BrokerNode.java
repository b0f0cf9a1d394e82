package io.sluice.broker.metadata;

import io.sluice.broker.config.Endpoint;

/**
 * This broker as clients see it: node id, cluster id, and the advertised address, which is known
 * only once the listener is bound (port 0 picks a free port). Thread-safe: the address is published
 * once through a volatile field before the first connection is accepted.
 */
public final class BrokerNode {
  private final int nodeId;
  private final String clusterId;
  private volatile Endpoint advertised;

  public BrokerNode(int nodeId, String clusterId) {
    this.nodeId = nodeId;
    this.clusterId = clusterId;
  }

  public int nodeId() {
    return nodeId;
  }

  public String clusterId() {
    return clusterId;
  }

  public Endpoint advertised() {
    Endpoint endpoint = advertised;
    if (endpoint == null) {
      throw new IllegalStateException("the listener is not bound yet");
    }
    return endpoint;
  }

  public void advertise(Endpoint endpoint) {
    this.advertised = endpoint;
  }
}
