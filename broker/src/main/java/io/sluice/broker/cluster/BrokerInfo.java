package io.sluice.broker.cluster;

/**
 * A live broker as registered in {@code /brokers/ids/{id}}: where clients reach it, its rack (null
 * if none) and its epoch, the creation id (czxid) of the registration. A broker that restarts, or
 * registers again after its ZooKeeper session expired, gets a larger epoch, which tells it apart
 * from its stale self. Immutable.
 */
public record BrokerInfo(int id, String host, int port, String rack, long epoch) {}
