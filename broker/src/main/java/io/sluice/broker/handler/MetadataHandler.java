package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.metadata.BrokerAddress;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.PartitionState;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Describes the cluster as {@link ClusterMetadata} shows it: brokers, controller, and per partition
 * its leader, leader epoch and replicas. A requested topic that does not exist is created with
 * {@code num.partitions} partitions when {@code auto.create.topics.enable} and the request allow
 * it; such a request is answered once the {@link TopicAdmin} has finished (on its admin thread, so
 * that the creation's work stays off the event loop), and every other request right away. Topic ids
 * are not tracked yet (the zero UUID), which is why versions that address topics by id are not
 * advertised.
 */
final class MetadataHandler extends VersionedHandler {
  private final BrokerConfig config;
  private final ClusterMetadata metadata;
  private final TopicAdmin admin;

  MetadataHandler(BrokerConfig config, ClusterMetadata metadata, TopicAdmin admin) {
    // v13 adds a top-level error code this broker has no use for yet.
    super(ApiKey.METADATA, 0, 12);
    this.config = config;
    this.metadata = metadata;
    this.admin = admin;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    MetadataRequest req = MetadataRequest.read(request.reader(), version);
    // v0 asks for every topic with an empty list, v1+ with a null one.
    boolean all = req.topics() == null || (version == 0 && req.topics().isEmpty());
    boolean autoCreate =
        !all && config.autoCreateTopics() && (version < 4 || req.allowAutoTopicCreation());
    Map<String, CompletableFuture<Errors>> creations = new LinkedHashMap<>();
    if (autoCreate) {
      for (MetadataRequest.MetadataRequestTopic topic : req.topics()) {
        String name = topic.name();
        // Internal topics are created by the broker itself (__consumer_offsets on first use).
        if (TopicNames.isValid(name)
            && !TopicNames.isInternal(name)
            && !metadata.exists(name)
            && !creations.containsKey(name)) {
          creations.put(name, admin.createTopic(name, config.numPartitions(), false));
        }
      }
    }
    if (creations.isEmpty()) {
      responder.respond(describe(req, all, Map.of(), request), version);
      return;
    }
    CompletableFuture.allOf(creations.values().toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) ->
                responder.respond(describe(req, all, creations, request), version));
  }

  /**
   * The response, with the brokers' addresses for the listener the request came in on; a topic
   * whose auto-creation failed with an error code reports that code. (A creation refused, e.g.
   * because another client created the topic first, just describes it.)
   */
  private MetadataResponse describe(
      MetadataRequest req,
      boolean all,
      Map<String, CompletableFuture<Errors>> creations,
      Request request) {
    List<MetadataResponse.MetadataResponseBroker> brokers = new ArrayList<>();
    Set<Integer> reachable = new HashSet<>();
    for (BrokerAddress broker : metadata.brokers(request.listenerName())) {
      reachable.add(broker.nodeId());
      brokers.add(
          new MetadataResponse.MetadataResponseBroker()
              .setNodeId(broker.nodeId())
              .setHost(broker.host())
              .setPort(broker.port())
              .setRack(broker.rack()));
    }
    MetadataResponse response =
        new MetadataResponse()
            .setClusterId(metadata.clusterId())
            .setControllerId(metadata.controllerId())
            .setBrokers(brokers);
    List<String> names = new ArrayList<>();
    if (all) {
      names.addAll(metadata.topics());
    } else {
      for (MetadataRequest.MetadataRequestTopic topic : req.topics()) {
        names.add(topic.name());
      }
    }
    List<MetadataResponse.MetadataResponseTopic> out = new ArrayList<>(names.size());
    for (String name : names) {
      out.add(describe(name, creations.get(name), reachable, request.version()));
    }
    return response.setTopics(out);
  }

  /**
   * One topic. A partition whose leader is up but lacks the client's listener is answered as Kafka
   * does: no leader, and {@code LISTENER_NOT_FOUND} (v6 and later; {@code LEADER_NOT_AVAILABLE}
   * before), so that the client never learns an address it cannot reach.
   */
  private MetadataResponse.MetadataResponseTopic describe(
      String name, CompletableFuture<Errors> creation, Set<Integer> reachable, short version) {
    MetadataResponse.MetadataResponseTopic topic =
        new MetadataResponse.MetadataResponseTopic().setName(name);
    if (!TopicNames.isValid(name)) {
      return topic.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
    }
    Optional<Errors> failed = creationError(creation);
    if (failed.isPresent()) {
      return topic.setErrorCode(failed.get().code());
    }
    int count = metadata.partitionCount(name);
    if (count == 0) {
      return topic.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
    List<MetadataResponse.MetadataResponsePartition> partitions = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      Optional<PartitionState> state = metadata.partition(name, p);
      if (state.isEmpty()) {
        // Deleted while being described.
        return new MetadataResponse.MetadataResponseTopic()
            .setName(name)
            .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      }
      int leader = state.get().leader();
      Errors error = Errors.NONE;
      if (leader >= 0 && !reachable.contains(leader)) {
        error = version >= 6 ? Errors.LISTENER_NOT_FOUND : Errors.LEADER_NOT_AVAILABLE;
        leader = -1;
      }
      partitions.add(
          new MetadataResponse.MetadataResponsePartition()
              .setErrorCode(error.code())
              .setPartitionIndex(p)
              .setLeaderId(leader)
              .setLeaderEpoch(state.get().leaderEpoch())
              .setReplicaNodes(new ArrayList<>(state.get().replicas()))
              .setIsrNodes(new ArrayList<>(state.get().isr()))
              .setOfflineReplicas(new ArrayList<>()));
    }
    return topic.setPartitions(partitions).setIsInternal(TopicNames.isInternal(name));
  }

  /** The error code of a creation that failed with one (a storage error, say); else empty. */
  private static Optional<Errors> creationError(CompletableFuture<Errors> creation) {
    if (creation == null || !creation.isCompletedExceptionally()) {
      return Optional.empty();
    }
    try {
      creation.join();
      return Optional.empty();
    } catch (CompletionException e) {
      return e.getCause() instanceof SluiceException sluice
          ? Optional.of(sluice.error())
          : Optional.empty();
    }
  }
}
