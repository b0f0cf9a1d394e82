package io.sluice.client;

/**
 * One SCRAM credential of a user as a broker describes it: the mechanism ({@code SCRAM-SHA-256} or
 * {@code SCRAM-SHA-512}) and the iteration count. Brokers never return salts or keys. Immutable.
 */
public record ScramCredentialInfo(String mechanism, int iterations) {}
