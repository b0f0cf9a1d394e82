package io.sluice.broker.handler;

import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.broker.metadata.TopicAdmin.OngoingReassignment;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ListPartitionReassignmentsRequest;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse;
import java.util.Map;

/**
 * Kafka's ListPartitionReassignments: the reassignments in progress (every one, or those of the
 * partitions asked for; a partition without one, or that does not exist, is left out, as Kafka
 * does), each with its full replica set and the replicas being added and removed. Answered from
 * this broker's view of the cluster; a single node never has one. Needs DESCRIBE on the cluster.
 */
final class ListPartitionReassignmentsHandler extends VersionedHandler {
  private final TopicAdmin admin;
  private final Authorization authorization;

  ListPartitionReassignmentsHandler(TopicAdmin admin, Authorization authorization) {
    super(ApiKey.LIST_PARTITION_REASSIGNMENTS, 0, 0);
    this.admin = admin;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ListPartitionReassignmentsRequest req =
        ListPartitionReassignmentsRequest.read(request.reader(), version);
    ListPartitionReassignmentsResponse response = new ListPartitionReassignmentsResponse();
    if (!authorization.cluster(request, AclOperation.DESCRIBE)) {
      responder.respond(
          response
              .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
              .setErrorMessage("Cluster authorization failed."),
          version);
      return;
    }
    Map<String, Map<Integer, OngoingReassignment>> ongoing = admin.ongoingReassignments();
    if (req.topics() == null) {
      ongoing.forEach((topic, partitions) -> add(response, topic, partitions, null));
    } else {
      for (ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics t : req.topics()) {
        Map<Integer, OngoingReassignment> partitions = ongoing.get(t.name());
        if (partitions != null) {
          add(response, t.name(), partitions, t.partitionIndexes());
        }
      }
    }
    responder.respond(response, version);
  }

  private static void add(
      ListPartitionReassignmentsResponse response,
      String topic,
      Map<Integer, OngoingReassignment> partitions,
      java.util.List<Integer> only) {
    ListPartitionReassignmentsResponse.OngoingTopicReassignment t =
        new ListPartitionReassignmentsResponse.OngoingTopicReassignment().setName(topic);
    partitions.forEach(
        (p, r) -> {
          if (only == null || only.contains(p)) {
            t.partitions()
                .add(
                    new ListPartitionReassignmentsResponse.OngoingPartitionReassignment()
                        .setPartitionIndex(p)
                        .setReplicas(r.replicas())
                        .setAddingReplicas(r.adding())
                        .setRemovingReplicas(r.removing()));
          }
        });
    if (!t.partitions().isEmpty()) {
      response.topics().add(t);
    }
  }
}
