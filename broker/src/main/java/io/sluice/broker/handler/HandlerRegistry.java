package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.ProducerIds;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.purgatory.FetchWaiters;
import io.sluice.broker.quota.ClientQuotas;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.broker.storage.LogManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The handler for each API key this broker serves. Immutable once built; shared by connections.
 * Owns nothing that needs closing: the services the handlers call, and their threads, belong to the
 * composition root ({@code Broker}).
 */
public final class HandlerRegistry {
  private final ApiHandler[] byKey;

  public HandlerRegistry(List<ApiHandler> handlers) {
    int max = 0;
    for (ApiHandler handler : handlers) {
      max = Math.max(max, handler.apiKey().id());
    }
    byKey = new ApiHandler[max + 1];
    for (ApiHandler handler : handlers) {
      if (byKey[handler.apiKey().id()] != null) {
        throw new IllegalArgumentException("two handlers for " + handler.apiKey());
      }
      byKey[handler.apiKey().id()] = handler;
    }
  }

  /**
   * Every handler of a broker: the data path (Produce, Fetch, ListOffsets, InitProducerId), topic
   * administration (Metadata, CreateTopics, DeleteTopics), committed offsets (FindCoordinator,
   * OffsetCommit, OffsetFetch), consumer groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
   * ListGroups, DescribeGroups), topic configuration (DescribeConfigs, AlterConfigs,
   * IncrementalAlterConfigs), partitions and records (CreatePartitions, DeleteRecords,
   * DescribeLogDirs, DescribeProducers), group deletion (DeleteGroups, OffsetDelete), the cluster's
   * brokers (DescribeCluster), and ApiVersions advertising exactly these.
   *
   * @param metadata what every handler reads about brokers, topics, partitions and leaders
   * @param admin where topic creation and deletion go
   * @param logs the local logs, which the data-path handlers use for partitions this broker leads
   * @param replication followers' progress and the in-sync check of acks=all ({@link
   *     Replication#NONE} on a single node)
   */
  public static HandlerRegistry forBroker(
      BrokerConfig config,
      ClusterMetadata metadata,
      TopicAdmin admin,
      LogManager logs,
      FetchWaiters fetchWaiters,
      ProducerIds producerIds,
      OffsetStore offsets,
      GroupCoordinator groups,
      Replication replication) {
    return forBroker(
        config,
        metadata,
        admin,
        logs,
        fetchWaiters,
        producerIds,
        offsets,
        groups,
        replication,
        ScramCredentialStore.NONE,
        Authorization.NONE);
  }

  /**
   * As above, plus SASL: SaslHandshake and SaslAuthenticate (answering those that come outside a
   * SASL exchange; the exchange itself is the connection's) and the SCRAM credential APIs over
   * {@code scram}; and the ACL APIs (CreateAcls, DescribeAcls, DeleteAcls).
   *
   * @param authorization the ACL checks every handler makes ({@link Authorization#NONE} without an
   *     authorizer)
   */
  public static HandlerRegistry forBroker(
      BrokerConfig config,
      ClusterMetadata metadata,
      TopicAdmin admin,
      LogManager logs,
      FetchWaiters fetchWaiters,
      ProducerIds producerIds,
      OffsetStore offsets,
      GroupCoordinator groups,
      Replication replication,
      ScramCredentialStore scram,
      Authorization authorization) {
    return forBroker(
        config,
        metadata,
        admin,
        logs,
        fetchWaiters,
        producerIds,
        offsets,
        groups,
        replication,
        scram,
        authorization,
        ClientQuotas.NONE);
  }

  /**
   * As above, plus client quotas: DescribeClientQuotas and AlterClientQuotas over {@code
   * quotas.store()}, and Produce and Fetch throttled by {@code quotas}.
   */
  public static HandlerRegistry forBroker(
      BrokerConfig config,
      ClusterMetadata metadata,
      TopicAdmin admin,
      LogManager logs,
      FetchWaiters fetchWaiters,
      ProducerIds producerIds,
      OffsetStore offsets,
      GroupCoordinator groups,
      Replication replication,
      ScramCredentialStore scram,
      Authorization authorization,
      ClientQuotas quotas) {
    LeaderLogs leaderLogs = new LeaderLogs(metadata, logs);
    OffsetsTopicCreation offsetsTopic =
        config.clusterMode()
            ? new OffsetsTopicCreation(metadata, admin, config.offsetsTopic())
            : null;
    GroupOwnership owned = new GroupOwnership(offsets, authorization);
    List<ApiHandler> handlers =
        new ArrayList<>(
            List.of(
                new ProduceHandler(leaderLogs, replication, authorization, quotas),
                new FetchHandler(
                    leaderLogs, config, fetchWaiters, replication, authorization, quotas),
                new OffsetForLeaderEpochHandler(leaderLogs, authorization),
                new ListOffsetsHandler(leaderLogs, authorization),
                new MetadataHandler(config, metadata, admin, authorization),
                new OffsetCommitHandler(offsets, groups, owned, authorization),
                new OffsetFetchHandler(offsets, owned, authorization),
                new FindCoordinatorHandler(metadata, offsetsTopic, authorization),
                new CreateTopicsHandler(config, admin, authorization),
                new DeleteTopicsHandler(admin, authorization),
                new InitProducerIdHandler(producerIds, authorization),
                new JoinGroupHandler(groups, owned),
                new SyncGroupHandler(groups, owned),
                new HeartbeatHandler(groups, owned),
                new LeaveGroupHandler(groups, owned),
                new ListGroupsHandler(groups, offsets, authorization),
                new DescribeGroupsHandler(groups, offsets, owned),
                new DescribeClusterHandler(metadata)));
    ConfigAlteration alteration = new ConfigAlteration(metadata, admin, config.log());
    handlers.add(
        new DescribeConfigsHandler(new ConfigEntries(config), metadata, admin, authorization));
    handlers.add(new AlterConfigsHandler(alteration, authorization));
    handlers.add(new IncrementalAlterConfigsHandler(alteration, authorization));
    handlers.add(new CreatePartitionsHandler(metadata, admin, authorization));
    handlers.add(new DeleteRecordsHandler(leaderLogs, logs, authorization));
    handlers.add(new DescribeLogDirsHandler(logs, authorization));
    handlers.add(new DescribeProducersHandler(leaderLogs, authorization));
    handlers.add(new DeleteGroupsHandler(groups, offsets, owned));
    handlers.add(new OffsetDeleteHandler(groups, offsets, owned, authorization));
    // ACLs (CreateAcls, DescribeAcls, DeleteAcls)
    handlers.add(new CreateAclsHandler(authorization));
    handlers.add(new DescribeAclsHandler(authorization));
    handlers.add(new DeleteAclsHandler(authorization));
    // SASL authentication and SCRAM credentials
    handlers.add(new SaslHandshakeHandler());
    handlers.add(new SaslAuthenticateHandler());
    handlers.add(new DescribeUserScramCredentialsHandler(scram, authorization));
    handlers.add(new AlterUserScramCredentialsHandler(scram, authorization));
    // Partition reassignment (AlterPartitionReassignments, ListPartitionReassignments)
    handlers.add(
        new AlterPartitionReassignmentsHandler(
            config.clusterMode(), metadata, admin, authorization));
    handlers.add(new ListPartitionReassignmentsHandler(admin, authorization));
    // Client quotas (DescribeClientQuotas, AlterClientQuotas)
    handlers.add(new DescribeClientQuotasHandler(quotas.store(), authorization));
    handlers.add(new AlterClientQuotasHandler(quotas.store(), authorization));
    // Leader election on request (ElectLeaders)
    handlers.add(new ElectLeadersHandler(metadata, admin, authorization));
    handlers.add(new ApiVersionsHandler(handlers));
    return new HandlerRegistry(handlers);
  }

  /** The handler for an API key id, or null if this broker does not serve it. */
  public ApiHandler forKey(int id) {
    return id >= 0 && id < byKey.length ? byKey[id] : null;
  }
}
