package io.sluice.broker.metadata;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Creates and deletes topics on behalf of CreateTopics, DeleteTopics and Metadata's auto-creation.
 * The single-node mode creates the logs itself ({@link Topics}); a coordinated mode writes the
 * assignment to its coordination service and lets the brokers create their logs.
 *
 * <p>Contract: both methods return at once, without doing the work on the calling thread (an event
 * loop); the future completes on an admin thread with {@link Errors#NONE} or the reason the request
 * was refused ({@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS}, {@code
 * TOPIC_ALREADY_EXISTS}, {@code UNKNOWN_TOPIC_OR_PARTITION}), and exceptionally, with a {@link
 * io.sluice.protocol.SluiceException} carrying the error code where one applies, if it failed. Once
 * a creation has completed with NONE, {@link ClusterMetadata} on this broker shows the topic with
 * all its partitions; once a deletion has, it no longer shows it. Thread-safe.
 */
public interface TopicAdmin {

  /** Creates {@code topic} with {@code partitions} partitions (or only validates the request). */
  CompletableFuture<Errors> createTopic(String topic, int partitions, boolean validateOnly);

  /**
   * Creates {@code topic} with {@code replicationFactor} replicas of each partition. Only cluster
   * mode has more than one broker to put them on; here, anything but 1 is refused with {@code
   * INVALID_REPLICATION_FACTOR}.
   */
  default CompletableFuture<Errors> createTopic(
      String topic, int partitions, int replicationFactor, boolean validateOnly) {
    if (replicationFactor != 1) {
      return CompletableFuture.completedFuture(Errors.INVALID_REPLICATION_FACTOR);
    }
    return createTopic(topic, partitions, validateOnly);
  }

  /** Deletes {@code topic} and its data. */
  CompletableFuture<Errors> deleteTopic(String topic);

  /**
   * Creates {@code topic} with configuration overrides (Kafka's topic-level keys). An unknown key
   * or bad value completes exceptionally with {@code INVALID_CONFIG} naming it. A mode that does
   * not store per-topic configuration refuses any override that way.
   */
  default CompletableFuture<Errors> createTopic(
      String topic,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      boolean validateOnly) {
    if (configs.isEmpty()) {
      return createTopic(topic, partitions, replicationFactor, validateOnly);
    }
    return unsupported("per-topic configuration");
  }

  /**
   * The topic's configuration overrides (empty when it has none or does not exist); never blocks.
   */
  default Map<String, String> topicConfig(String topic) {
    return Map.of();
  }

  /**
   * Replaces the topic's overrides by {@code change} applied to the current ones, atomically with
   * respect to other changes of the same topic, and applies them to its live logs. Completes with
   * nothing, or exceptionally with a {@link SluiceException}: {@code UNKNOWN_TOPIC_OR_PARTITION},
   * {@code INVALID_CONFIG} naming the key (also thrown by {@code change} itself), or a storage
   * error. With {@code validateOnly} nothing changes.
   */
  default CompletableFuture<Void> alterTopicConfig(
      String topic, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
    return unsupported("per-topic configuration");
  }

  /**
   * Grows {@code topic} to {@code totalCount} partitions; completes exceptionally with {@code
   * UNKNOWN_TOPIC_OR_PARTITION} or {@code INVALID_PARTITIONS} (with Kafka's message) if it cannot.
   */
  default CompletableFuture<Void> createPartitions(
      String topic, int totalCount, boolean validateOnly) {
    return unsupported("adding partitions");
  }

  /** One partition's answer to a reassignment request: NONE, or Kafka's error and message. */
  record ReassignmentOutcome(Errors error, String message) {
    public static final ReassignmentOutcome OK = new ReassignmentOutcome(Errors.NONE, null);

    /**
     * Kafka's checks of a target replica list ({@code INVALID_REPLICA_ASSIGNMENT} for an empty
     * list, duplicates or a negative id, with Kafka's messages), or null when it passes them.
     */
    public static ReassignmentOutcome checkTarget(List<Integer> target) {
      String problem = null;
      if (target.isEmpty()) {
        problem = "Empty replica list specified in partition reassignment.";
      } else if (new java.util.HashSet<>(target).size() != target.size()) {
        problem = "Duplicate replica ids in partition reassignment replica list: " + target;
      } else if (target.stream().anyMatch(id -> id < 0)) {
        problem = "Invalid broker id in replica list: " + target;
      }
      return problem == null
          ? null
          : new ReassignmentOutcome(Errors.INVALID_REPLICA_ASSIGNMENT, problem);
    }
  }

  /**
   * A partition being reassigned, as ListPartitionReassignments shows it: the full replica set, the
   * replicas being added and the replicas being removed.
   */
  record OngoingReassignment(List<Integer> replicas, List<Integer> adding, List<Integer> removing) {
    public OngoingReassignment {
      replicas = List.copyOf(replicas);
      adding = List.copyOf(adding);
      removing = List.copyOf(removing);
    }
  }

  /**
   * Starts, replaces or cancels reassignments of {@code topic}'s partitions (Kafka's
   * AlterPartitionReassignments): by partition, the target replicas, or null to cancel the one in
   * progress. Completes once the request is recorded (not when the replicas have moved) with each
   * partition's outcome, or exceptionally with a {@link SluiceException} for the whole topic (a
   * coordination service that cannot be reached: {@code NOT_CONTROLLER}). Only cluster mode moves
   * replicas.
   *
   * @param allowReplicationFactorChange false: a target of another size than the original replica
   *     set is refused with {@code INVALID_REPLICATION_FACTOR} (KIP-860)
   */
  default CompletableFuture<Map<Integer, ReassignmentOutcome>> reassignPartitions(
      String topic, Map<Integer, List<Integer>> targets, boolean allowReplicationFactorChange) {
    return unsupported("partition reassignment");
  }

  /** The reassignments in progress, by topic and partition; never blocks. */
  default Map<String, Map<Integer, OngoingReassignment>> ongoingReassignments() {
    return Map.of();
  }

  /**
   * Leader election on request (Kafka's ElectLeaders): for each of {@code partitions}, moves
   * leadership as {@code type} asks, or says why not. Completes, within about {@code timeoutMs},
   * with one result per partition: {@code NONE} (elected, and this broker's {@link ClusterMetadata}
   * shows the new leader), {@code ELECTION_NOT_NEEDED}, {@code PREFERRED_LEADER_NOT_AVAILABLE},
   * {@code ELIGIBLE_LEADERS_NOT_AVAILABLE}, {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code
   * INVALID_TOPIC_EXCEPTION} (being deleted), {@code NOT_CONTROLLER} (no controller to ask: the
   * client retries) or {@code REQUEST_TIMED_OUT}.
   */
  default CompletableFuture<Map<LeaderElection.Partition, LeaderElection.Result>> electLeaders(
      LeaderElection.Type type, Set<LeaderElection.Partition> partitions, long timeoutMs) {
    return unsupported("leader election");
  }

  private static <T> CompletableFuture<T> unsupported(String what) {
    return CompletableFuture.failedFuture(
        new SluiceException(
            Errors.INVALID_REQUEST, what + " is not supported in cluster mode yet"));
  }
}
