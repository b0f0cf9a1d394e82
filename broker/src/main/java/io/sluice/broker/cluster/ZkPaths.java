package io.sluice.broker.cluster;

/**
 * Where the cluster keeps its state in ZooKeeper, relative to the chroot of {@code
 * zookeeper.connect}. Kafka's ZooKeeper-era layout, so that its tools and habits carry over:
 *
 * <pre>
 * /cluster/id                                    persistent  {"version":"1","id":"..."}
 * /controller/_c_...-latch-NNNNNNNNNN            ephemeral   Curator leader latch, data = broker id
 * /controller_epoch                              persistent  the controller epoch, decimal
 * /brokers/ids/{id}                              ephemeral   registration; its czxid is the broker epoch
 * /brokers/topics/{t}                            persistent  {"version":2,"partitions":{"0":[1]},
 *                                                             "adding_replicas":{},"removing_replicas":{}}
 *                                                (a partition being reassigned: its full replica set, and
 *                                                its adding and removing replicas under its number)
 * /brokers/topics/{t}/partitions/{p}/state       persistent  {"leader":1,"leader_epoch":0,"isr":[1],...}
 * /admin/delete_topics/{t}                       persistent  a deletion request for the controller
 * /admin/elect_leaders/request-NNNNNNNNNN        ephemeral   a leader election request (ElectLeaders),
 *                                                            sequential; the controller adds its results
 * /config/topics/{t}                             persistent  {"version":1,"config":{"cleanup.policy":"compact"}}
 * /config/users/{user}                          persistent  SCRAM credentials (ZkScramCredentialStore)
 * </pre>
 *
 * {@code /admin/elect_leaders} replaces Kafka's {@code /admin/preferred_replica_election} (one
 * znode, one request at a time, preferred elections only, no answer): each ElectLeaders request is
 * its own znode, {@code {"version":1,"election_type":0,"partitions":[{"topic":"t","partition":0}]}}
 * (0 preferred, 1 unclean), ephemeral so that a request whose broker went away goes with it. The
 * controller answers by adding {@code "results":[{"topic":"t","partition":0,"error_code":0,
 * "error_message":null,"leader":1,"leader_epoch":4}]} in the transaction that writes the new
 * partition states; the requesting broker reads them and deletes the znode.
 *
 * <p>The one difference from Kafka in the shared part: {@code /controller} is the parent of a
 * Curator {@code LeaderLatch} rather than an ephemeral node holding the controller's id; the lowest
 * latch node's data names the controller.
 */
final class ZkPaths {
  static final String CLUSTER_ID = "/cluster/id";
  static final String CONTROLLER = "/controller";
  static final String CONTROLLER_EPOCH = "/controller_epoch";
  static final String BROKER_IDS = "/brokers/ids";
  static final String TOPICS = "/brokers/topics";
  static final String DELETE_TOPICS = "/admin/delete_topics";
  static final String TOPIC_CONFIGS = "/config/topics";
  static final String ELECT_LEADERS = "/admin/elect_leaders";

  private ZkPaths() {}

  static String broker(int id) {
    return BROKER_IDS + "/" + id;
  }

  static String topic(String topic) {
    return TOPICS + "/" + topic;
  }

  static String partitions(String topic) {
    return topic(topic) + "/partitions";
  }

  static String partition(String topic, int partition) {
    return partitions(topic) + "/" + partition;
  }

  static String partitionState(String topic, int partition) {
    return partition(topic, partition) + "/state";
  }

  static String deleteTopic(String topic) {
    return DELETE_TOPICS + "/" + topic;
  }

  static String topicConfig(String topic) {
    return TOPIC_CONFIGS + "/" + topic;
  }

  /** The prefix of an election request's sequential znode ({@code ELECT_LEADERS/request-N}). */
  static String electLeadersRequest() {
    return ELECT_LEADERS + "/request-";
  }

  /** The last path element. */
  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The parent path ("/" for a top-level node). */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }
}
