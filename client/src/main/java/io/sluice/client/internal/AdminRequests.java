package io.sluice.client.internal;

import io.sluice.client.ClusterDescription;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The CreateTopics, DeleteTopics and DescribeCluster requests of {@code Admin}, and the metadata
 * questions it asks. Stateless and thread-safe.
 */
public final class AdminRequests {
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
