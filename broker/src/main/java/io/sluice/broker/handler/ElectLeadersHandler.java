package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.LeaderElection;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * ElectLeaders (Kafka's {@code kafka-leader-election}, {@code Admin.electLeaders}): preferred or
 * unclean leader election on request, done by the {@link TopicAdmin} (in a cluster, the controller)
 * off the event loop; the answer is sent when every partition has its result or the request's
 * {@code timeout_ms} has passed.
 *
 * <p>As in Kafka: ALTER on the cluster, else {@code CLUSTER_AUTHORIZATION_FAILED} for the request
 * and each partition; a null partition list means every partition this broker knows of, and then
 * the partitions that needed no election are left out of the answer; a partition named twice is
 * elected and answered once; version 0 always asks for a preferred election. An election type Kafka
 * does not define is refused with {@code INVALID_REQUEST}.
 */
final class ElectLeadersHandler extends VersionedHandler {
  private final ClusterMetadata metadata;
  private final TopicAdmin admin;
  private final Authorization authorization;

  ElectLeadersHandler(ClusterMetadata metadata, TopicAdmin admin, Authorization authorization) {
    super(ApiKey.ELECT_LEADERS, 0, 2);
    this.metadata = metadata;
    this.admin = admin;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ElectLeadersRequest req = ElectLeadersRequest.read(request.reader(), version);
    boolean all = req.topicPartitions() == null;
    Set<LeaderElection.Partition> partitions = new LinkedHashSet<>();
    if (all) {
      for (String topic : metadata.topics()) {
        for (int p = 0; p < metadata.partitionCount(topic); p++) {
          partitions.add(new LeaderElection.Partition(topic, p));
        }
      }
    } else {
      for (ElectLeadersRequest.TopicPartitions topic : req.topicPartitions()) {
        for (int p : topic.partitions()) {
          partitions.add(new LeaderElection.Partition(topic.topic(), p));
        }
      }
    }
    LeaderElection.Type type =
        version == 0
            ? LeaderElection.Type.PREFERRED
            : LeaderElection.Type.forCode(req.electionType());
    if (type == null) {
      refuse(
          responder,
          version,
          all ? Set.of() : partitions,
          Errors.INVALID_REQUEST,
          "unknown election type " + req.electionType());
      return;
    }
    if (!authorization.cluster(request, AclOperation.ALTER)) {
      refuse(
          responder,
          version,
          all ? Set.of() : partitions,
          Errors.CLUSTER_AUTHORIZATION_FAILED,
          null);
      return;
    }
    if (partitions.isEmpty()) {
      responder.respond(new ElectLeadersResponse(), version);
      return;
    }
    admin
        .electLeaders(type, partitions, req.timeoutMs())
        .whenComplete(
            (results, failure) -> {
              Map<LeaderElection.Partition, LeaderElection.Result> answers = new LinkedHashMap<>();
              for (LeaderElection.Partition p : partitions) {
                LeaderElection.Result result = failure != null ? failed(failure) : results.get(p);
                if (result == null) {
                  result = new LeaderElection.Result(Errors.UNKNOWN_SERVER_ERROR, "no result");
                }
                if (!(all && result.error() == Errors.ELECTION_NOT_NEEDED)) {
                  answers.put(p, result);
                }
              }
              responder.respond(response(Errors.NONE, answers), version);
            });
  }

  private static LeaderElection.Result failed(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof SluiceException e) {
      return new LeaderElection.Result(e.error(), e.getMessage());
    }
    return new LeaderElection.Result(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(cause));
  }

  private static void refuse(
      Responder responder,
      short version,
      Set<LeaderElection.Partition> partitions,
      Errors error,
      String message) {
    Map<LeaderElection.Partition, LeaderElection.Result> answers = new LinkedHashMap<>();
    LeaderElection.Result result = new LeaderElection.Result(error, message);
    partitions.forEach(p -> answers.put(p, result));
    responder.respond(response(error, answers), version);
  }

  /** The response: the top-level error (v1+) and the results grouped by topic, in request order. */
  private static ElectLeadersResponse response(
      Errors error, Map<LeaderElection.Partition, LeaderElection.Result> answers) {
    Map<String, ElectLeadersResponse.ReplicaElectionResult> byTopic = new LinkedHashMap<>();
    answers.forEach(
        (p, result) ->
            byTopic
                .computeIfAbsent(
                    p.topic(), t -> new ElectLeadersResponse.ReplicaElectionResult().setTopic(t))
                .partitionResult()
                .add(
                    new ElectLeadersResponse.PartitionResult()
                        .setPartitionId(p.partition())
                        .setErrorCode(result.error().code())
                        .setErrorMessage(result.message())));
    ElectLeadersResponse response = new ElectLeadersResponse().setErrorCode(error.code());
    response.replicaElectionResults().addAll(byTopic.values());
    return response;
  }
}
