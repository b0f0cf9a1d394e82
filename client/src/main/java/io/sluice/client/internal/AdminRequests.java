package io.sluice.client.internal;

import io.sluice.client.ClusterDescription;
import io.sluice.client.ConfigEntry;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsResponse;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The requests of {@code Admin} (CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs,
 * IncrementalAlterConfigs, DeleteRecords, DescribeCluster), and the metadata questions it asks.
 * Stateless and thread-safe.
 */
public final class AdminRequests {
  private static final byte TOPIC_RESOURCE = 2;

  private final NodeConnections connections;

  public AdminRequests(NodeConnections connections) {
    this.connections = connections;
  }

  public CompletableFuture<Void> createTopic(
      String name, int partitions, Map<String, String> configs, long timeoutMs) {
    List<CreateTopicsRequest.CreatableTopicConfig> settings = new ArrayList<>();
    configs.forEach(
        (key, value) ->
            settings.add(
                new CreateTopicsRequest.CreatableTopicConfig().setName(key).setValue(value)));
    CreateTopicsRequest request =
        new CreateTopicsRequest()
            .setTopics(
                List.of(
                    new CreateTopicsRequest.CreatableTopic()
                        .setName(name)
                        .setNumPartitions(partitions)
                        .setReplicationFactor((short) 1)
                        .setConfigs(settings)))
            .setTimeoutMs((int) timeoutMs);
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.CREATE_TOPICS, request, CreateTopicsResponse::read))
        .thenAccept(
            response -> {
              for (CreateTopicsResponse.CreatableTopicResult t : response.topics()) {
                check(Errors.forCode(t.errorCode()), t.errorMessage(), name, "create");
              }
            });
  }

  public CompletableFuture<Void> deleteTopic(String name, long timeoutMs) {
    DeleteTopicsRequest request =
        new DeleteTopicsRequest().setTopicNames(List.of(name)).setTimeoutMs((int) timeoutMs);
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.DELETE_TOPICS, request, DeleteTopicsResponse::read))
        .thenAccept(
            response -> {
              for (DeleteTopicsResponse.DeletableTopicResult t : response.responses()) {
                check(Errors.forCode(t.errorCode()), t.errorMessage(), name, "delete");
              }
            });
  }

  /** Every configuration key of the topic (DescribeConfigs), in the broker's order. */
  public CompletableFuture<List<ConfigEntry>> describeTopicConfig(String topic) {
    DescribeConfigsRequest request =
        new DescribeConfigsRequest()
            .setResources(
                List.of(
                    new DescribeConfigsRequest.DescribeConfigsResource()
                        .setResourceType(TOPIC_RESOURCE)
                        .setResourceName(topic)
                        .setConfigurationKeys(null)));
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.DESCRIBE_CONFIGS, request, DescribeConfigsResponse::read))
        .thenApply(
            response -> {
              DescribeConfigsResponse.DescribeConfigsResult r = response.results().get(0);
              check(Errors.forCode(r.errorCode()), r.errorMessage(), topic, "describe");
              List<ConfigEntry> entries = new ArrayList<>();
              for (DescribeConfigsResponse.DescribeConfigsResourceResult e : r.configs()) {
                entries.add(new ConfigEntry(e.name(), e.value(), source(e.configSource())));
              }
              return entries;
            });
  }

  private static String source(byte id) {
    return switch (id) {
      case 1 -> "TOPIC_CONFIG";
      case 4 -> "STATIC_BROKER_CONFIG";
      case 5 -> "DEFAULT_CONFIG";
      default -> "UNKNOWN";
    };
  }

  /** Sets and deletes topic overrides (IncrementalAlterConfigs SET and DELETE). */
  public CompletableFuture<Void> alterTopicConfig(
      String topic, Map<String, String> set, Set<String> delete) {
    List<IncrementalAlterConfigsRequest.AlterableConfig> ops = new ArrayList<>();
    set.forEach(
        (k, v) ->
            ops.add(
                new IncrementalAlterConfigsRequest.AlterableConfig()
                    .setName(k)
                    .setValue(v)
                    .setConfigOperation((byte) 0)));
    for (String k : delete) {
      ops.add(
          new IncrementalAlterConfigsRequest.AlterableConfig()
              .setName(k)
              .setValue(null)
              .setConfigOperation((byte) 1));
    }
    IncrementalAlterConfigsRequest request =
        new IncrementalAlterConfigsRequest()
            .setResources(
                List.of(
                    new IncrementalAlterConfigsRequest.AlterConfigsResource()
                        .setResourceType(TOPIC_RESOURCE)
                        .setResourceName(topic)
                        .setConfigs(ops)));
    return connections
        .anyConnection()
        .thenCompose(
            c ->
                c.send(
                    ApiKey.INCREMENTAL_ALTER_CONFIGS,
                    request,
                    IncrementalAlterConfigsResponse::read))
        .thenAccept(
            response -> {
              IncrementalAlterConfigsResponse.AlterConfigsResourceResponse r =
                  response.responses().get(0);
              check(Errors.forCode(r.errorCode()), r.errorMessage(), topic, "alter");
            });
  }

  /** Grows the topic to {@code totalCount} partitions (CreatePartitions). */
  public CompletableFuture<Void> createPartitions(String topic, int totalCount, long timeoutMs) {
    CreatePartitionsRequest request =
        new CreatePartitionsRequest()
            .setTopics(
                List.of(
                    new CreatePartitionsRequest.CreatePartitionsTopic()
                        .setName(topic)
                        .setCount(totalCount)
                        .setAssignments(null)))
            .setTimeoutMs((int) timeoutMs);
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.CREATE_PARTITIONS, request, CreatePartitionsResponse::read))
        .thenAccept(
            response -> {
              CreatePartitionsResponse.CreatePartitionsTopicResult r = response.results().get(0);
              check(Errors.forCode(r.errorCode()), r.errorMessage(), topic, "add partitions to");
            });
  }

  /**
   * Deletes the records of one partition before {@code offset} (DeleteRecords, sent to the
   * partition's leader); completes with the new log start offset.
   */
  public CompletableFuture<Long> deleteRecords(
      MetadataCache metadata, TopicPartition tp, long offset, long timeoutMs) {
    int leader = leader(metadata, tp);
    DeleteRecordsRequest request =
        new DeleteRecordsRequest()
            .setTopics(
                List.of(
                    new DeleteRecordsRequest.DeleteRecordsTopic()
                        .setName(tp.topic())
                        .setPartitions(
                            List.of(
                                new DeleteRecordsRequest.DeleteRecordsPartition()
                                    .setPartitionIndex(tp.partition())
                                    .setOffset(offset)))))
            .setTimeoutMs((int) timeoutMs);
    CompletableFuture<BrokerConnection> connection =
        leader >= 0 ? connections.connection(leader) : connections.anyConnection();
    return connection
        .thenCompose(c -> c.send(ApiKey.DELETE_RECORDS, request, DeleteRecordsResponse::read))
        .thenApply(
            response -> {
              DeleteRecordsResponse.DeleteRecordsPartitionResult r =
                  response.topics().get(0).partitions().get(0);
              Errors error = Errors.forCode(r.errorCode());
              if (error != Errors.NONE) {
                throw new SluiceClientException(
                    error,
                    null,
                    "cannot delete records of "
                        + tp.topic()
                        + "-"
                        + tp.partition()
                        + " before offset "
                        + offset
                        + ": "
                        + error,
                    false,
                    null);
              }
              return r.lowWatermark();
            });
  }

  /** DescribeCluster (broker endpoints) sent to any broker; fails on a top-level error. */
  public CompletableFuture<ClusterDescription> describeCluster() {
    return connections
        .anyConnection()
        .thenCompose(
            c ->
                c.send(
                    ApiKey.DESCRIBE_CLUSTER,
                    new DescribeClusterRequest().setEndpointType((byte) 1),
                    DescribeClusterResponse::read))
        .thenApply(
            response -> {
              Errors error = Errors.forCode(response.errorCode());
              if (error != Errors.NONE) {
                throw new SluiceClientException(
                    error,
                    null,
                    "cannot describe the cluster: "
                        + error
                        + (response.errorMessage() == null
                            ? ""
                            : " (" + response.errorMessage() + ")"),
                    false,
                    null);
              }
              List<ClusterDescription.Broker> brokers = new ArrayList<>();
              for (DescribeClusterResponse.DescribeClusterBroker b : response.brokers()) {
                brokers.add(
                    new ClusterDescription.Broker(b.brokerId(), b.host(), b.port(), b.rack()));
              }
              brokers.sort(Comparator.comparingInt(ClusterDescription.Broker::id));
              return new ClusterDescription(response.clusterId(), response.controllerId(), brokers);
            });
  }

  /**
   * ElectLeaders to any broker (a Sluice broker hands it to the controller): each partition's
   * outcome, empty when elected; {@code partitions} null asks for every partition.
   */
  public CompletableFuture<Map<TopicPartition, Optional<SluiceClientException>>> electLeaders(
      boolean unclean, Set<TopicPartition> partitions, long timeoutMs) {
    ElectLeadersRequest request =
        new ElectLeadersRequest()
            .setElectionType((byte) (unclean ? 1 : 0))
            .setTimeoutMs((int) timeoutMs);
    if (partitions == null) {
      request.setTopicPartitions(null);
    } else {
      Map<String, ElectLeadersRequest.TopicPartitions> byTopic = new LinkedHashMap<>();
      for (TopicPartition tp : partitions) {
        byTopic
            .computeIfAbsent(
                tp.topic(),
                t ->
                    new ElectLeadersRequest.TopicPartitions()
                        .setTopic(t)
                        .setPartitions(new ArrayList<>()))
            .partitions()
            .add(tp.partition());
      }
      request.setTopicPartitions(new ArrayList<>(byTopic.values()));
    }
    return connections
        .anyConnection()
        .thenCompose(c -> c.send(ApiKey.ELECT_LEADERS, request, ElectLeadersResponse::read))
        .thenApply(
            response -> {
              Errors error = Errors.forCode(response.errorCode());
              if (error != Errors.NONE) {
                throw new SluiceClientException(
                    error, null, "cannot elect leaders: " + error, error.retriable(), null);
              }
              Map<TopicPartition, Optional<SluiceClientException>> outcomes = new LinkedHashMap<>();
              for (ElectLeadersResponse.ReplicaElectionResult topic :
                  response.replicaElectionResults()) {
                for (ElectLeadersResponse.PartitionResult p : topic.partitionResult()) {
                  TopicPartition tp = new TopicPartition(topic.topic(), p.partitionId());
                  Errors outcome = Errors.forCode(p.errorCode());
                  outcomes.put(
                      tp,
                      outcome == Errors.NONE
                          ? Optional.empty()
                          : Optional.of(
                              new SluiceClientException(
                                  outcome,
                                  tp,
                                  p.errorMessage() == null
                                      ? outcome.name()
                                      : outcome + ": " + p.errorMessage())));
                }
              }
              return outcomes;
            });
  }

  private static void check(Errors error, String message, String topic, String verb) {
    if (error == Errors.NONE) {
      return;
    }
    String what =
        switch (error) {
          case TOPIC_ALREADY_EXISTS -> "topic '" + topic + "' already exists";
          case UNKNOWN_TOPIC_OR_PARTITION -> "topic '" + topic + "' does not exist";
          default ->
              "cannot "
                  + verb
                  + " topic '"
                  + topic
                  + "': "
                  + error
                  + (message == null ? "" : " (" + message + ")");
        };
    throw new SluiceClientException(error, null, what, false, null);
  }

  public int partitionCount(MetadataCache metadata, String topic, long timeoutMs, long backoff) {
    return metadata.await(topic, false, timeoutMs, backoff).partitionCount();
  }

  /**
   * Every partition's leader (-1: none), sorted by topic and partition; topics in error left out.
   */
  public Map<TopicPartition, Integer> partitionLeaders(MetadataCache metadata, long timeoutMs) {
    Map<TopicPartition, Integer> leaders =
        new TreeMap<>(
            Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
    for (TopicInfo info : Await.get(metadata.refresh(null, false), timeoutMs).values()) {
      if (info.error() == Errors.NONE) {
        for (int p = 0; p < info.partitionCount(); p++) {
          leaders.put(new TopicPartition(info.name(), p), info.leader(p));
        }
      }
    }
    return leaders;
  }

  public int leader(MetadataCache metadata, TopicPartition tp) {
    TopicInfo info = metadata.topic(tp.topic());
    return info == null ? -1 : info.leader(tp.partition());
  }
}
