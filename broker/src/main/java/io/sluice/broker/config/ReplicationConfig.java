package io.sluice.broker.config;

/**
 * Replication settings (Kafka's keys and meanings; see {@code docs/replication.md}). They matter
 * only in cluster mode; a single node has one replica of everything. {@code
 * unclean.leader.election.enable} is not here: only {@code false} is accepted. Immutable.
 *
 * @param defaultReplicationFactor {@code default.replication.factor}: replicas of a topic whose
 *     creation asks for the default (-1) and of auto-created topics
 * @param minInsyncReplicas {@code min.insync.replicas}: in-sync replicas (the leader included) an
 *     {@code acks=all} produce needs
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower that has not caught up
 *     with the leader's log end for this long is removed from the in-sync replicas
 * @param replicaFetchMaxBytes {@code replica.fetch.max.bytes}: per partition and fetch
 * @param replicaFetchWaitMaxMs {@code replica.fetch.wait.max.ms}: a follower's fetch long-polls
 *     this long at the leader
 * @param autoLeaderRebalance {@code auto.leader.rebalance.enable}: the controller moves leadership
 *     back to a partition's preferred (first) replica once it is in sync again
 */
public record ReplicationConfig(
    int defaultReplicationFactor,
    int minInsyncReplicas,
    long replicaLagTimeMaxMs,
    int replicaFetchMaxBytes,
    int replicaFetchWaitMaxMs,
    boolean autoLeaderRebalance) {}
