package io.sluice.broker.handler;

import io.sluice.broker.config.Endpoint;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This broker as clients see it: node id, cluster id, and the advertised address of each listener,
 * known only once the listeners are bound (port 0 picks a free port). A client is given the address
 * of the listener it connected to. Thread-safe: the addresses are published once through a volatile
 * field before the first connection is accepted.
 */
public final class BrokerNode {
  private final int nodeId;
  private final String clusterId;
  private volatile Map<String, Endpoint> advertised;

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

  /** The first listener's advertised address. */
  public Endpoint advertised() {
    return advertised(null);
  }

  /**
   * The advertised address of the listener named {@code listenerName}; the first listener's when
   * the name is null (a request not tied to a listener, as in tests) or unknown.
   */
  public Endpoint advertised(String listenerName) {
    Map<String, Endpoint> endpoints = advertised;
    if (endpoints == null) {
      throw new IllegalStateException("the listeners are not bound yet");
    }
    Endpoint endpoint = listenerName == null ? null : endpoints.get(listenerName);
    return endpoint != null ? endpoint : endpoints.values().iterator().next();
  }

  /** One listener only, under its own name. */
  public void advertise(Endpoint endpoint) {
    advertise(Map.of(endpoint.listenerName(), endpoint));
  }

  /** Every listener's advertised address by listener name, the first listener first. */
  public void advertise(Map<String, Endpoint> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no listener");
    }
    this.advertised = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
  }
}
