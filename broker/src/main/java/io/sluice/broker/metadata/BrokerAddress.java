package io.sluice.broker.metadata;

/**
 * A broker as clients reach it: its node id, advertised host and port, and its rack ({@code
 * broker.rack}; null if none).
 */
public record BrokerAddress(int nodeId, String host, int port, String rack) {
  /** A broker without a rack. */
  public BrokerAddress(int nodeId, String host, int port) {
    this(nodeId, host, port, null);
  }
}
