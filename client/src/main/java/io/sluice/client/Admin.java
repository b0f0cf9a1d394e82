package io.sluice.client;

import io.sluice.client.internal.AclRequests;
import io.sluice.client.internal.AdminRequests;
import io.sluice.client.internal.Await;
import io.sluice.client.internal.MetadataCache;
import io.sluice.client.internal.NodeConnections;
import io.sluice.client.internal.OffsetLookup;
import io.sluice.client.internal.ScramCredentialRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Topic administration: create, delete, list and describe (partitions, leaders, earliest and latest
 * offsets), configuration (describe and alter), adding partitions, deleting records; the cluster:
 * its brokers, controller and partition leaders; ACLs (create, describe, delete); and SCRAM users
 * (SASL). Every call blocks until the broker answered or {@code timeout} passed, and fails with a
 * {@link SluiceClientException} that names the topic.
 *
 * <p>Thread-safe.
 */
public final class Admin implements AutoCloseable {
  private static final long BACKOFF_MS = 100;

  private final NodeConnections connections;
  private final MetadataCache metadata;
  private final OffsetLookup offsets;
  private final AdminRequests requests;
  private final AclRequests acls;
  private final ScramCredentialRequests scram;
  private final long timeoutMs;

  /**
   * @param bootstrapServers comma-separated {@code host:port} list
   * @param timeout how long each call waits for the broker
   */
  public Admin(String bootstrapServers, Duration timeout) {
    this(bootstrapServers, timeout, SecurityConfig.PLAINTEXT);
  }

  /**
   * @param bootstrapServers comma-separated {@code host:port} list
   * @param timeout how long each call waits for the broker
   * @param security TLS and SASL settings ({@link SecurityConfig#from} reads Kafka's client keys)
   */
  public Admin(String bootstrapServers, Duration timeout, SecurityConfig security) {
    this.timeoutMs = timeout.toMillis();
    this.connections =
        new NodeConnections(
            bootstrapServers, "sluice-admin", timeoutMs, 16 << 20, "sluice-admin", security);
    this.metadata = new MetadataCache(connections);
    this.offsets = new OffsetLookup(connections, metadata);
    this.requests = new AdminRequests(connections);
    this.acls = new AclRequests(connections);
    this.scram = new ScramCredentialRequests(connections);
  }

  /**
   * Creates a topic.
   *
   * @param configs topic settings by Kafka key name ({@code retention.ms}, ...), may be empty
   * @throws SluiceClientException with {@code TOPIC_ALREADY_EXISTS} if it exists
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    Await.get(requests.createTopic(name, partitions, configs, timeoutMs), timeoutMs);
  }

  /** Deletes a topic and its data. */
  public void deleteTopic(String name) {
    Await.get(requests.deleteTopic(name, timeoutMs), timeoutMs);
  }

  /** The names of all topics, internal ones excluded. */
  public Set<String> listTopics() {
    return Await.get(metadata.refresh(null, false), timeoutMs).keySet().stream()
        .filter(name -> !name.startsWith("__"))
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * Describes a topic.
   *
   * @throws SluiceClientException with {@code UNKNOWN_TOPIC_OR_PARTITION} if it does not exist
   */
  public TopicDescription describeTopic(String name) {
    int count = partitionCount(name);
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      partitions.add(new TopicPartition(name, i));
    }
    Map<TopicPartition, Long> earliest =
        offsets.offsets(partitions, OffsetLookup.EARLIEST, timeoutMs, BACKOFF_MS);
    Map<TopicPartition, Long> latest =
        offsets.offsets(partitions, OffsetLookup.LATEST, timeoutMs, BACKOFF_MS);
    List<TopicDescription.PartitionDescription> described = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      described.add(
          new TopicDescription.PartitionDescription(
              tp.partition(), requests.leader(metadata, tp), earliest.get(tp), latest.get(tp)));
    }
    return new TopicDescription(name, described);
  }

  /**
   * Every configuration key of the topic with its value and source ({@link ConfigEntry#isOverride}
   * for the topic's own overrides).
   */
  public List<ConfigEntry> describeTopicConfig(String name) {
    return Await.get(requests.describeTopicConfig(name), timeoutMs);
  }

  /**
   * Sets and removes topic overrides (Kafka's topic-level keys); applied by the broker at once.
   *
   * @throws SluiceClientException with {@code INVALID_CONFIG} naming a bad key or value
   */
  public void alterTopicConfig(String name, Map<String, String> set, Set<String> delete) {
    Await.get(requests.alterTopicConfig(name, set, delete), timeoutMs);
  }

  /**
   * Grows the topic to {@code totalCount} partitions.
   *
   * @throws SluiceClientException with {@code INVALID_PARTITIONS} if it has that many or more
   */
  public void createPartitions(String name, int totalCount) {
    Await.get(requests.createPartitions(name, totalCount, timeoutMs), timeoutMs);
  }

  /**
   * Deletes every record below {@code offset} (-1: the high watermark) in each given partition.
   *
   * @return each partition's new log start offset
   * @throws SluiceClientException with {@code OFFSET_OUT_OF_RANGE} for an offset past the end
   */
  public Map<TopicPartition, Long> deleteRecords(Map<TopicPartition, Long> beforeOffsets) {
    Map<TopicPartition, Long> lowWatermarks = new java.util.LinkedHashMap<>();
    for (String topic :
        beforeOffsets.keySet().stream().map(TopicPartition::topic).distinct().toList()) {
      partitionCount(topic); // fills the metadata with the leaders
    }
    for (Map.Entry<TopicPartition, Long> e : beforeOffsets.entrySet()) {
      lowWatermarks.put(
          e.getKey(),
          Await.get(
              requests.deleteRecords(metadata, e.getKey(), e.getValue(), timeoutMs), timeoutMs));
    }
    return lowWatermarks;
  }

  /**
   * Leader election on request (ElectLeaders, what Kafka's {@code kafka-leader-election} sends):
   * with {@code unclean} false, each partition's leadership moves to its preferred replica (the
   * first of its assignment) if that one is live and in sync; with {@code unclean} true, a
   * partition without a live leader gets one, outside the in-sync replicas if no in-sync replica is
   * live (which loses what only those had). {@code partitions} null asks for every partition, and
   * the answer then leaves out those that needed no election.
   *
   * @return each partition's outcome: empty when its leader was elected, else the broker's error
   *     ({@code ELECTION_NOT_NEEDED}, {@code PREFERRED_LEADER_NOT_AVAILABLE}, {@code
   *     ELIGIBLE_LEADERS_NOT_AVAILABLE}, {@code UNKNOWN_TOPIC_OR_PARTITION}, ...)
   */
  public Map<TopicPartition, Optional<SluiceClientException>> electLeaders(
      boolean unclean, Set<TopicPartition> partitions) {
    return Await.get(requests.electLeaders(unclean, partitions, timeoutMs), timeoutMs + 5_000);
  }

  /**
   * The cluster's id, controller and live brokers (with their racks), as one broker describes them
   * with DescribeCluster.
   *
   * @throws SluiceClientException with {@code UNSUPPORTED_VERSION} if the broker lacks
   *     DescribeCluster (Kafka before 2.8)
   */
  public ClusterDescription describeCluster() {
    return Await.get(requests.describeCluster(), timeoutMs);
  }

  /**
   * The leader of every partition of every topic, internal ones included, from one Metadata
   * request; -1 for a partition that has no leader right now (its broker is down).
   */
  public Map<TopicPartition, Integer> partitionLeaders() {
    return requests.partitionLeaders(metadata, timeoutMs);
  }

  /** The number of partitions of an existing topic. */
  public int partitionCount(String name) {
    return requests.partitionCount(metadata, name, timeoutMs, BACKOFF_MS);
  }

  /**
   * Creates ACLs (CreateAcls); fails on the first one the broker refused (SECURITY_DISABLED without
   * an authorizer, CLUSTER_AUTHORIZATION_FAILED, INVALID_REQUEST).
   */
  public void createAcls(List<AclBinding> bindings) {
    Await.get(acls.create(bindings), timeoutMs);
  }

  /** The ACLs the filter matches (DescribeAcls). */
  public List<AclBinding> describeAcls(AclFilter filter) {
    return Await.get(acls.describe(filter), timeoutMs);
  }

  /** Deletes the ACLs the filter matches (DeleteAcls) and returns them. */
  public List<AclBinding> deleteAcls(AclFilter filter) {
    return Await.get(acls.delete(filter), timeoutMs);
  }

  /**
   * Every SCRAM user's credentials (mechanism and iterations; brokers never return salts or keys),
   * users in name order.
   */
  public Map<String, List<ScramCredentialInfo>> describeUserScramCredentials() {
    return Await.get(scram.describe(), timeoutMs);
  }

  /**
   * Creates a SCRAM user, or sets a new password: the password is salted and hashed here and only
   * the salted password is sent (as Kafka's Admin does).
   *
   * @param mechanism {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
   * @param iterations 4096 to 16384 (the broker refuses others with {@code
   *     UNACCEPTABLE_CREDENTIAL})
   */
  public void upsertUserScramCredential(
      String user, String mechanism, int iterations, String password) {
    Await.get(scram.upsert(user, mechanism, iterations, password), timeoutMs);
  }

  /**
   * Deletes a SCRAM user's credential for one mechanism.
   *
   * @throws SluiceClientException with {@code RESOURCE_NOT_FOUND} if there is none
   */
  public void deleteUserScramCredential(String user, String mechanism) {
    Await.get(scram.delete(user, mechanism), timeoutMs);
  }

  @Override
  public void close() {
    connections.close();
  }
}
