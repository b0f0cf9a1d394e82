package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.Endpoint;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Describes this one-broker cluster: the broker leads every partition, with itself as the only
 * replica. A requested topic that does not exist is created with {@code num.partitions} partitions
 * when {@code auto.create.topics.enable} and the request allow it; such a request is answered from
 * the topic-admin thread ({@link Topics#administer}), so that the creation's disk work stays off
 * the event loop, and every other request right away. Topic ids are not tracked yet (the zero
 * UUID), which is why versions that address topics by id are not advertised.
 */
final class MetadataHandler extends VersionedHandler {
  private final BrokerConfig config;
  private final BrokerNode node;
  private final Topics topics;

  MetadataHandler(BrokerConfig config, BrokerNode node, Topics topics) {
    // v13 adds a top-level error code this broker has no use for yet.
    super(ApiKey.METADATA, 0, 12);
    this.config = config;
    this.node = node;
    this.topics = topics;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    MetadataRequest req = MetadataRequest.read(request.reader(), version);
    // v0 asks for every topic with an empty list, v1+ with a null one.
    boolean all = req.topics() == null || (version == 0 && req.topics().isEmpty());
    boolean autoCreate =
        !all && config.autoCreateTopics() && (version < 4 || req.allowAutoTopicCreation());
    boolean creates =
        autoCreate
            && req.topics().stream()
                .anyMatch(t -> Topics.isValidName(t.name()) && !topics.exists(t.name()));
    if (creates) {
      topics
          .administer(() -> describe(req, all, true))
          .whenComplete(
              (response, failure) ->
                  responder.respond(
                      response != null ? response : describe(req, all, false), version));
    } else {
      responder.respond(describe(req, all, false), version);
    }
  }

  private MetadataResponse describe(MetadataRequest req, boolean all, boolean autoCreate) {
    Endpoint self = node.advertised();
    MetadataResponse response =
        new MetadataResponse()
            .setClusterId(node.clusterId())
            .setControllerId(node.nodeId())
            .setBrokers(
                new ArrayList<>(
                    List.of(
                        new MetadataResponse.MetadataResponseBroker()
                            .setNodeId(node.nodeId())
                            .setHost(self.host())
                            .setPort(self.port()))));
    List<String> names = new ArrayList<>();
    if (all) {
      names.addAll(new TreeSet<>(topics.all()));
    } else {
      for (MetadataRequest.MetadataRequestTopic topic : req.topics()) {
        names.add(topic.name());
      }
    }
    List<MetadataResponse.MetadataResponseTopic> out = new ArrayList<>(names.size());
    for (String name : names) {
      out.add(describe(name, autoCreate));
    }
    return response.setTopics(out);
  }

  private MetadataResponse.MetadataResponseTopic describe(String name, boolean autoCreate) {
    MetadataResponse.MetadataResponseTopic topic =
        new MetadataResponse.MetadataResponseTopic().setName(name);
    if (!Topics.isValidName(name)) {
      return topic.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
    }
    if (!topics.exists(name) && autoCreate) {
      try {
        topics.create(name, config.numPartitions(), false);
      } catch (SluiceException e) {
        return topic.setErrorCode(e.error().code());
      }
    }
    int count = topics.partitionCount(name);
    if (count == 0) {
      return topic.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
    List<MetadataResponse.MetadataResponsePartition> partitions = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      List<Integer> replicas = new ArrayList<>(List.of(node.nodeId()));
      partitions.add(
          new MetadataResponse.MetadataResponsePartition()
              .setPartitionIndex(p)
              .setLeaderId(node.nodeId())
              .setLeaderEpoch(0)
              .setReplicaNodes(replicas)
              .setIsrNodes(new ArrayList<>(replicas))
              .setOfflineReplicas(new ArrayList<>()));
    }
    return topic.setPartitions(partitions);
  }
}
