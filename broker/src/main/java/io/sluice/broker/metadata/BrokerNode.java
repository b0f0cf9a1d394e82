package io.sluice.broker.metadata;

import io.sluice.broker.config.Endpoint;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This broker as clients see it: node id, cluster id, and the advertised address of each listener,
 * known only once the listeners are bound (port 0 picks a free port). Thread-safe: the addresses
 * are published once through a volatile field before the first connection is accepted.
 */
public final class BrokerNode {
  private final int nodeId;
  private final String clusterId;
  private volatile Map<String, Endpoint> advertised; // by listener name, the first listener first

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
   * The advertised address of listener {@code listenerName}, or null if this broker has no such
   * listener; the first listener's when the name is null (a request that did not come through a
   * listener, as in tests).
   *
   * @throws IllegalStateException before the listeners are bound
   */
  public Endpoint advertised(String listenerName) {
    Map<String, Endpoint> endpoints = advertised;
    if (endpoints == null) {
      throw new IllegalStateException("the listeners are not bound yet");
    }
    return listenerName == null
        ? endpoints.values().iterator().next()
        : endpoints.get(listenerName);
  }

  /** Publishes the advertised addresses, the first listener first; each under its own name. */
  public void advertise(List<Endpoint> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no listener");
    }
    Map<String, Endpoint> byName = new LinkedHashMap<>();
    endpoints.forEach(e -> byName.put(e.listenerName(), e));
    this.advertised = Collections.unmodifiableMap(byName);
  }

  /** One listener only. */
  public void advertise(Endpoint endpoint) {
    advertise(List.of(endpoint));
  }
}
