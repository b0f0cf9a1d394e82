package io.sluice.broker.metadata;

/** A broker as clients reach it: its node id and advertised host and port. */
public record BrokerAddress(int nodeId, String host, int port) {}
