package io.sluice.broker.handler;

import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicAdmin.ReassignmentOutcome;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.message.AlterPartitionReassignmentsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka's AlterPartitionReassignments (KIP-455): starts, replaces or cancels (a null replica list)
 * the reassignment of partitions to new replica sets. Needs ALTER on the cluster ({@code
 * CLUSTER_AUTHORIZATION_FAILED} at the top and for every partition otherwise, as Kafka answers).
 *
 * <p>In cluster mode the {@link TopicAdmin} records each topic's reassignments, off the event loop;
 * any broker accepts the request (Kafka's clients send it to the controller). A single node has one
 * broker: a target of exactly that broker is already in place ({@code NONE}), any other broker is
 * not alive ({@code INVALID_REPLICA_ASSIGNMENT}), and there is never a reassignment to cancel
 * ({@code NO_REASSIGNMENT_IN_PROGRESS}).
 */
final class AlterPartitionReassignmentsHandler extends VersionedHandler {
  private final boolean cluster;
  private final ClusterMetadata metadata;
  private final TopicAdmin admin;
  private final Authorization authorization;

  AlterPartitionReassignmentsHandler(
      boolean cluster, ClusterMetadata metadata, TopicAdmin admin, Authorization authorization) {
    super(ApiKey.ALTER_PARTITION_REASSIGNMENTS, 0, 1);
    this.cluster = cluster;
    this.metadata = metadata;
    this.admin = admin;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    AlterPartitionReassignmentsRequest req =
        AlterPartitionReassignmentsRequest.read(request.reader(), version);
    List<AlterPartitionReassignmentsRequest.ReassignableTopic> topics = List.copyOf(req.topics());
    if (!authorization.cluster(request, AclOperation.ALTER)) {
      responder.respond(
          refused(
              topics,
              Errors.CLUSTER_AUTHORIZATION_FAILED,
              "Cluster authorization failed.",
              req.allowReplicationFactorChange()),
          version);
      return;
    }
    List<CompletableFuture<Map<Integer, ReassignmentOutcome>>> outcomes = new ArrayList<>();
    for (AlterPartitionReassignmentsRequest.ReassignableTopic topic : topics) {
      Map<Integer, List<Integer>> targets = new HashMap<>();
      for (AlterPartitionReassignmentsRequest.ReassignablePartition p : topic.partitions()) {
        targets.put(p.partitionIndex(), p.replicas() == null ? null : List.copyOf(p.replicas()));
      }
      outcomes.add(
          cluster
              ? admin.reassignPartitions(topic.name(), targets, req.allowReplicationFactorChange())
              : CompletableFuture.completedFuture(singleNode(topic.name(), targets)));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              AlterPartitionReassignmentsResponse response =
                  new AlterPartitionReassignmentsResponse()
                      .setAllowReplicationFactorChange(req.allowReplicationFactorChange());
              for (int i = 0; i < topics.size(); i++) {
                response.responses().add(topicResponse(topics.get(i), outcomes.get(i)));
              }
              responder.respond(response, version);
            });
  }

  private static AlterPartitionReassignmentsResponse.ReassignableTopicResponse topicResponse(
      AlterPartitionReassignmentsRequest.ReassignableTopic topic,
      CompletableFuture<Map<Integer, ReassignmentOutcome>> outcome) {
    Map<Integer, ReassignmentOutcome> byPartition;
    ReassignmentOutcome all = null;
    try {
      byPartition = outcome.join();
    } catch (RuntimeException e) {
      byPartition = Map.of();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      all =
          cause instanceof SluiceException se
              ? new ReassignmentOutcome(se.error(), se.getMessage())
              : new ReassignmentOutcome(Errors.UNKNOWN_SERVER_ERROR, cause.toString());
    }
    AlterPartitionReassignmentsResponse.ReassignableTopicResponse response =
        new AlterPartitionReassignmentsResponse.ReassignableTopicResponse().setName(topic.name());
    for (AlterPartitionReassignmentsRequest.ReassignablePartition p : topic.partitions()) {
      ReassignmentOutcome o = all != null ? all : byPartition.get(p.partitionIndex());
      if (o == null) {
        o = new ReassignmentOutcome(Errors.UNKNOWN_SERVER_ERROR, "no outcome");
      }
      response
          .partitions()
          .add(
              new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse()
                  .setPartitionIndex(p.partitionIndex())
                  .setErrorCode(o.error().code())
                  .setErrorMessage(o.message()));
    }
    return response;
  }

  /** The one broker of a single node is every partition's only replica. */
  private Map<Integer, ReassignmentOutcome> singleNode(
      String topic, Map<Integer, List<Integer>> targets) {
    Map<Integer, ReassignmentOutcome> out = new HashMap<>();
    int partitions = metadata.partitionCount(topic);
    int self = metadata.localNodeId();
    targets.forEach(
        (p, target) -> {
          ReassignmentOutcome invalid =
              target == null ? null : ReassignmentOutcome.checkTarget(target);
          if (invalid != null) {
            out.put(p, invalid);
          } else if (target == null) {
            out.put(
                p,
                new ReassignmentOutcome(
                    Errors.NO_REASSIGNMENT_IN_PROGRESS,
                    "No partition reassignment is in progress."));
          } else if (p < 0 || p >= partitions) {
            out.put(
                p,
                new ReassignmentOutcome(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
          } else if (!target.equals(List.of(self))) {
            List<Integer> others = new ArrayList<>(target);
            others.remove(Integer.valueOf(self));
            out.put(
                p,
                new ReassignmentOutcome(
                    Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Replica assignment has brokers that are not alive. Replica list: "
                        + others
                        + ", live broker list: ["
                        + self
                        + "]"));
          } else {
            out.put(p, ReassignmentOutcome.OK);
          }
        });
    return out;
  }

  /** Kafka's answer to a refused request: the error at the top and for every partition. */
  private static AlterPartitionReassignmentsResponse refused(
      List<AlterPartitionReassignmentsRequest.ReassignableTopic> topics,
      Errors error,
      String message,
      boolean allowRfChange) {
    AlterPartitionReassignmentsResponse response =
        new AlterPartitionReassignmentsResponse()
            .setAllowReplicationFactorChange(allowRfChange)
            .setErrorCode(error.code())
            .setErrorMessage(message);
    for (AlterPartitionReassignmentsRequest.ReassignableTopic topic : topics) {
      AlterPartitionReassignmentsResponse.ReassignableTopicResponse t =
          new AlterPartitionReassignmentsResponse.ReassignableTopicResponse().setName(topic.name());
      for (AlterPartitionReassignmentsRequest.ReassignablePartition p : topic.partitions()) {
        t.partitions()
            .add(
                new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse()
                    .setPartitionIndex(p.partitionIndex())
                    .setErrorCode(error.code())
                    .setErrorMessage(message));
      }
      response.responses().add(t);
    }
    return response;
  }
}
