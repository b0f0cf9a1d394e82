package io.sluice.broker.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Every key a broker accepts, with its default and meaning. Kafka's key names wherever Kafka has
 * the concept; {@code docs/configuration.md} lists the same table (a test keeps them in step).
 */
public enum ConfigKey {
  NODE_ID(
      "node.id", "0", Type.INT, 0, "Id of this broker, returned in Metadata and FindCoordinator."),
  LISTENERS(
      "listeners",
      "PLAINTEXT://127.0.0.1:9092",
      Type.ENDPOINT,
      0,
      "Comma-separated NAME://host:port, one per listener name. An empty host binds every"
          + " interface; port 0 picks a free port."),
  ADVERTISED_LISTENERS(
      "advertised.listeners",
      "",
      Type.ENDPOINT,
      0,
      "NAME://host:port per listener: the address given to clients of that listener. A listener"
          + " without one: its own host (127.0.0.1 for every interface) and bound port."),
  LISTENER_SECURITY_PROTOCOL_MAP(
      "listener.security.protocol.map",
      Listeners.DEFAULT_PROTOCOL_MAP,
      Type.STRING,
      0,
      "NAME:PROTOCOL pairs: the security protocol of each listener name."),
  INTER_BROKER_LISTENER_NAME(
      "inter.broker.listener.name",
      "",
      Type.STRING,
      0,
      "Listener other brokers would use; must be a listener. Empty: the first listener."),
  SECURITY_INTER_BROKER_PROTOCOL(
      "security.inter.broker.protocol",
      "",
      Type.STRING,
      0,
      "Security protocol between brokers: the listener named after it is the inter-broker one."
          + " Not together with inter.broker.listener.name. Empty: that key decides."),
  SSL_KEYSTORE_TYPE(
      "ssl.keystore.type",
      "JKS",
      Type.STRING,
      0,
      "Format of the key store of SSL listeners: JKS, PKCS12 or PEM."),
  SSL_KEYSTORE_LOCATION(
      "ssl.keystore.location",
      "",
      Type.STRING,
      0,
      "Key store file (the broker's private key and certificate chain) of SSL listeners."),
  SSL_KEYSTORE_PASSWORD(
      "ssl.keystore.password", "", Type.STRING, 0, "Password of the key store file."),
  SSL_KEY_PASSWORD(
      "ssl.key.password",
      "",
      Type.STRING,
      0,
      "Password of the private key; empty: the key store password (or an unencrypted PEM key)."),
  SSL_KEYSTORE_CERTIFICATE_CHAIN(
      "ssl.keystore.certificate.chain",
      "",
      Type.STRING,
      0,
      "With ssl.keystore.type=PEM: the certificate chain in PEM, instead of a file."),
  SSL_KEYSTORE_KEY(
      "ssl.keystore.key",
      "",
      Type.STRING,
      0,
      "With ssl.keystore.type=PEM: the PKCS#8 private key in PEM, instead of a file."),
  SSL_TRUSTSTORE_TYPE(
      "ssl.truststore.type",
      "JKS",
      Type.STRING,
      0,
      "Format of the trust store: JKS, PKCS12 or PEM."),
  SSL_TRUSTSTORE_LOCATION(
      "ssl.truststore.location",
      "",
      Type.STRING,
      0,
      "Trust store file: the certificate authorities client certificates are checked against."),
  SSL_TRUSTSTORE_PASSWORD(
      "ssl.truststore.password", "", Type.STRING, 0, "Password of the trust store file."),
  SSL_TRUSTSTORE_CERTIFICATES(
      "ssl.truststore.certificates",
      "",
      Type.STRING,
      0,
      "With ssl.truststore.type=PEM: the trusted certificates in PEM, instead of a file."),
  SSL_CLIENT_AUTH(
      "ssl.client.auth",
      "none",
      Type.STRING,
      0,
      "Client certificates on SSL listeners: none, requested or required."),
  SSL_ENABLED_PROTOCOLS(
      "ssl.enabled.protocols",
      "TLSv1.2,TLSv1.3",
      Type.LIST,
      0,
      "TLS versions SSL listeners accept (TLSv1.2, TLSv1.3)."),
  SSL_CIPHER_SUITES(
      "ssl.cipher.suites",
      "",
      Type.STRING,
      0,
      "Cipher suites SSL listeners accept, comma-separated; empty: the JDK's defaults."),
  SSL_ENGINE(
      "ssl.engine",
      "auto",
      Type.STRING,
      0,
      "TLS implementation of SSL listeners (Sluice's key): openssl (BoringSSL through Netty's"
          + " tcnative), jdk, or auto: openssl where its native library loads, else jdk."),
  SSL_ENDPOINT_IDENTIFICATION_ALGORITHM(
      "ssl.endpoint.identification.algorithm",
      "https",
      Type.STRING,
      0,
      "https: followers check that the leader's certificate names the host they connect to"
          + " (inter-broker TLS); empty: no host name check."),
  LOG_DIRS("log.dirs", "./data", Type.LIST, 0, "Comma-separated data directories."),
  NUM_PARTITIONS("num.partitions", "1", Type.INT, 1, "Partitions of an auto-created topic."),
  AUTO_CREATE_TOPICS_ENABLE(
      "auto.create.topics.enable",
      "true",
      Type.BOOLEAN,
      0,
      "Create a topic when a client asks Metadata for one that does not exist."),
  SOCKET_REQUEST_MAX_BYTES(
      "socket.request.max.bytes",
      "104857600",
      Type.INT,
      64,
      "Largest request frame accepted; a larger one closes the connection."),
  MAX_CONNECTIONS(
      "max.connections", "1000", Type.INT, 1, "Open client connections; more are closed at once."),
  MAX_CONNECTIONS_PER_IP(
      "max.connections.per.ip",
      "2147483647",
      Type.INT,
      0,
      "Open connections from one address; more from it are closed at once."),
  MAX_CONNECTIONS_PER_IP_OVERRIDES(
      "max.connections.per.ip.overrides",
      "",
      Type.STRING,
      0,
      "Per-address exceptions to max.connections.per.ip: host:count,host:count."),
  CONNECTIONS_MAX_IDLE_MS(
      "connections.max.idle.ms",
      "600000",
      Type.LONG,
      1,
      "A connection with no read or write for this long is closed."),
  QUEUED_MAX_REQUESTS_PER_CONNECTION(
      "queued.max.requests.per.connection",
      "100",
      Type.INT,
      1,
      "Requests in flight on one connection before the broker stops reading it."),
  SOCKET_SEND_BUFFER_BYTES(
      "socket.send.buffer.bytes", "102400", Type.INT, -1, "SO_SNDBUF; -1 for the OS default."),
  SOCKET_RECEIVE_BUFFER_BYTES(
      "socket.receive.buffer.bytes", "102400", Type.INT, -1, "SO_RCVBUF; -1 for the OS default."),
  SOCKET_WRITE_BUFFER_HIGH_BYTES(
      "socket.write.buffer.high.bytes",
      "4194304",
      Type.INT,
      1,
      "Bytes queued to a connection above which the broker stops writing to and reading from it."),
  SOCKET_WRITE_BUFFER_LOW_BYTES(
      "socket.write.buffer.low.bytes",
      "1048576",
      Type.INT,
      0,
      "Queued bytes below which a paused connection resumes."),
  NUM_NETWORK_THREADS(
      "num.network.threads",
      "0",
      Type.INT,
      0,
      "Event-loop threads that read, append and write; 0 means one per core."),
  FETCH_ZEROCOPY(
      "fetch.zerocopy",
      "true",
      Type.BOOLEAN,
      0,
      "Send fetched records as file regions (sendfile). false reads them into buffers first."),
  FETCH_MAX_BYTES(
      "fetch.max.bytes",
      "57671680",
      Type.INT,
      1024,
      "Upper bound on the records of one Fetch response, whatever the client asks."),
  LOG_SEGMENT_BYTES(
      "log.segment.bytes", "1073741824", Type.INT, 1024, "Segment size before a roll."),
  LOG_ROLL_MS("log.roll.ms", "604800000", Type.LONG, 1, "Segment age before a roll."),
  LOG_RETENTION_MS(
      "log.retention.ms", "604800000", Type.LONG, -1, "Age after which segments go; -1: never."),
  LOG_RETENTION_BYTES(
      "log.retention.bytes", "-1", Type.LONG, -1, "Partition size above which old segments go."),
  LOG_RETENTION_CHECK_INTERVAL_MS(
      "log.retention.check.interval.ms", "300000", Type.LONG, 1, "How often retention runs."),
  LOG_INDEX_INTERVAL_BYTES(
      "log.index.interval.bytes", "4096", Type.INT, 0, "Log bytes between offset-index entries."),
  LOG_INDEX_SIZE_MAX_BYTES(
      "log.index.size.max.bytes", "10485760", Type.INT, 48, "Largest offset index of a segment."),
  LOG_FLUSH_INTERVAL_MS(
      "log.flush.interval.ms",
      "1000",
      Type.LONG,
      1,
      "Longest time appended data stays unflushed (acks=all flushes at once, in groups)."),
  LOG_FLUSH_INTERVAL_MESSAGES(
      "log.flush.interval.messages",
      "9223372036854775807",
      Type.LONG,
      1,
      "Messages appended to a partition before a flush is forced."),
  LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS(
      "log.flush.offset.checkpoint.interval.ms",
      "60000",
      Type.LONG,
      1,
      "How often the recovery-point checkpoint is written."),
  MESSAGE_MAX_BYTES(
      "message.max.bytes", "1048588", Type.INT, 61, "Largest record batch a producer may send."),
  LOG_CLEANER_ENABLE(
      "log.cleaner.enable",
      "true",
      Type.BOOLEAN,
      0,
      "Run the log cleaner threads, which compact logs with cleanup.policy=compact."),
  LOG_CLEANER_THREADS(
      "log.cleaner.threads", "1", Type.INT, 1, "Cleaner threads; each owns one key-offset map."),
  LOG_CLEANER_DEDUPE_BUFFER_SIZE(
      "log.cleaner.dedupe.buffer.size",
      "134217728",
      Type.LONG,
      48,
      "Memory of the cleaners' key-offset maps, over all threads (24 bytes per key, 90 % usable)."),
  LOG_CLEANER_IO_MAX_BYTES_PER_SECOND(
      "log.cleaner.io.max.bytes.per.second",
      "9223372036854775807",
      Type.LONG,
      1,
      "Bytes per second each cleaner thread may read plus write (unlimited by default)."),
  LOG_CLEANER_BACKOFF_MS(
      "log.cleaner.backoff.ms",
      "15000",
      Type.LONG,
      1,
      "How long a cleaner thread sleeps when no log needs cleaning."),
  LOG_SEGMENT_IDLE_FILES_MAX(
      "log.segment.idle.files.max",
      "256",
      Type.INT,
      0,
      "Sealed segment files kept open with no reader (all partitions); more are reopened on demand."),
  MESSAGE_TIMESTAMP_AFTER_MAX_MS(
      "message.timestamp.after.max.ms",
      "3600000",
      Type.LONG,
      0,
      "How far ahead of the broker's clock a record's CreateTime may be (INVALID_TIMESTAMP)."),
  MESSAGE_TIMESTAMP_BEFORE_MAX_MS(
      "message.timestamp.before.max.ms",
      "9223372036854775807",
      Type.LONG,
      0,
      "How far behind the broker's clock a record's CreateTime may be (INVALID_TIMESTAMP)."),
  LOG_CLEANUP_POLICY(
      "log.cleanup.policy",
      "delete",
      Type.LIST,
      0,
      "Default cleanup.policy of topics: delete, compact or both (topic key cleanup.policy)."),
  LOG_MESSAGE_TIMESTAMP_TYPE(
      "log.message.timestamp.type",
      "CreateTime",
      Type.STRING,
      0,
      "Default message.timestamp.type of topics: CreateTime or LogAppendTime."),
  LOG_CLEANER_MIN_CLEANABLE_RATIO(
      "log.cleaner.min.cleanable.ratio",
      "0.5",
      Type.DOUBLE,
      0,
      "Default min.cleanable.dirty.ratio of compacted topics."),
  LOG_CLEANER_DELETE_RETENTION_MS(
      "log.cleaner.delete.retention.ms",
      "86400000",
      Type.LONG,
      0,
      "Default delete.retention.ms: how long tombstones stay in compacted topics."),
  LOG_CLEANER_MIN_COMPACTION_LAG_MS(
      "log.cleaner.min.compaction.lag.ms",
      "0",
      Type.LONG,
      0,
      "Default min.compaction.lag.ms: records younger than this are not compacted."),
  LOG_CLEANER_MAX_COMPACTION_LAG_MS(
      "log.cleaner.max.compaction.lag.ms",
      "9223372036854775807",
      Type.LONG,
      1,
      "Default max.compaction.lag.ms of compacted topics."),
  GROUP_INITIAL_REBALANCE_DELAY_MS(
      "group.initial.rebalance.delay.ms",
      "50",
      Type.INT,
      0,
      "How long a group coming out of Empty waits for more members before its first generation."),
  GROUP_MIN_SESSION_TIMEOUT_MS(
      "group.min.session.timeout.ms", "6000", Type.INT, 1, "Smallest session timeout allowed."),
  GROUP_MAX_SESSION_TIMEOUT_MS(
      "group.max.session.timeout.ms", "1800000", Type.INT, 1, "Largest session timeout allowed."),
  GROUP_MAX_SIZE("group.max.size", "2147483647", Type.INT, 1, "Members of one group at most."),
  OFFSETS_TOPIC_NUM_PARTITIONS(
      "offsets.topic.num.partitions",
      "50",
      Type.INT,
      1,
      "Partitions of __consumer_offsets (cluster mode), fixed when the topic is created."),
  OFFSETS_TOPIC_REPLICATION_FACTOR(
      "offsets.topic.replication.factor",
      "3",
      Type.INT,
      1,
      "Replicas of __consumer_offsets; fewer live brokers at creation: as many as are live."),
  OFFSETS_COMMIT_TIMEOUT_MS(
      "offsets.commit.timeout.ms",
      "5000",
      Type.INT,
      1,
      "How long an offset commit waits for the offsets topic's in-sync replicas."),
  OFFSETS_RETENTION_MINUTES(
      "offsets.retention.minutes",
      "10080",
      Type.INT,
      1,
      "How long a group's committed offsets outlive its last member (a group without members:"
          + " each offset its commit)."),
  OFFSETS_RETENTION_CHECK_INTERVAL_MS(
      "offsets.retention.check.interval.ms",
      "600000",
      Type.LONG,
      1,
      "How often the coordinator looks for expired offsets."),
  METRICS_PORT(
      "metrics.port",
      "-1",
      Type.INT,
      -1,
      "Port of the HTTP endpoint with /metrics (Prometheus), /health and /ready; -1: off, 0: any"
          + " free port."),
  METRICS_HOST(
      "metrics.host",
      "",
      Type.STRING,
      0,
      "Address the metrics endpoint binds. Empty: the host of the first listener (every"
          + " interface if that is empty)."),
  QUOTA_WINDOW_NUM(
      "quota.window.num",
      "11",
      Type.INT,
      2,
      "Samples a client quota's rate is measured over (client quotas: docs/quotas.md)."),
  QUOTA_WINDOW_SIZE_SECONDS(
      "quota.window.size.seconds", "1", Type.INT, 1, "Length of each sample of a quota's rate."),
  ZOOKEEPER_CONNECT(
      "zookeeper.connect",
      "",
      Type.STRING,
      0,
      "host:port[,host:port...][/chroot] of a ZooKeeper ensemble: cluster mode. Empty: one node."),
  ZOOKEEPER_SESSION_TIMEOUT_MS(
      "zookeeper.session.timeout.ms",
      "18000",
      Type.INT,
      1000,
      "ZooKeeper session timeout: how long a broker may be unreachable before it counts as gone."),
  ZOOKEEPER_CONNECTION_TIMEOUT_MS(
      "zookeeper.connection.timeout.ms",
      "",
      Type.INT,
      100,
      "How long a starting broker waits for ZooKeeper (and a request for a reconnection)."
          + " Empty: the session timeout, as in Kafka."),
  BROKER_ID(
      "broker.id",
      "-1",
      Type.INT,
      -1,
      "Kafka's ZooKeeper-era name for node.id; -1 means node.id. Cluster mode needs one of them set."),
  BROKER_RACK(
      "broker.rack",
      "",
      Type.STRING,
      0,
      "Rack (or zone) of this broker; cluster placement spreads partitions across racks."),
  DEFAULT_REPLICATION_FACTOR(
      "default.replication.factor",
      "1",
      Type.INT,
      1,
      "Replicas of an auto-created topic and of a CreateTopics request asking for the default."),
  MIN_INSYNC_REPLICAS(
      "min.insync.replicas",
      "1",
      Type.INT,
      1,
      "In-sync replicas an acks=all write needs; fewer: NOT_ENOUGH_REPLICAS."),
  REPLICA_LAG_TIME_MAX_MS(
      "replica.lag.time.max.ms",
      "30000",
      Type.LONG,
      1,
      "A follower not caught up with the leader for this long leaves the in-sync replicas."),
  REPLICA_FETCH_MAX_BYTES(
      "replica.fetch.max.bytes",
      "1048576",
      Type.INT,
      1,
      "Bytes a follower asks for per partition in one fetch (at least one batch comes anyway)."),
  REPLICA_FETCH_WAIT_MAX_MS(
      "replica.fetch.wait.max.ms",
      "500",
      Type.INT,
      0,
      "How long a follower's fetch waits at the leader for new data."),
  AUTO_LEADER_REBALANCE_ENABLE(
      "auto.leader.rebalance.enable",
      "true",
      Type.BOOLEAN,
      0,
      "Move leadership back to a partition's preferred replica once it is in sync again."),
  UNCLEAN_LEADER_ELECTION_ENABLE(
      "unclean.leader.election.enable",
      "false",
      Type.BOOLEAN,
      0,
      "Elect a leader outside the in-sync replicas; only false is supported."),
  // Authorization (ACLs): read by security.acl.AuthorizerConfig.
  AUTHORIZER_CLASS_NAME(
      "authorizer.class.name",
      "",
      Type.STRING,
      0,
      "Empty: no authorization. Kafka's built-in authorizer class names"
          + " (org.apache.kafka.metadata.authorizer.StandardAuthorizer,"
          + " kafka.security.authorizer.AclAuthorizer) switch on Sluice's ACL authorizer."),
  SUPER_USERS(
      "super.users",
      "",
      Type.STRING,
      0,
      "Principals allowed everything, separated by semicolons (User:admin;User:CN=broker-1)."),
  ALLOW_EVERYONE_IF_NO_ACL_FOUND(
      "allow.everyone.if.no.acl.found",
      "false",
      Type.BOOLEAN,
      0,
      "With an authorizer: whether a resource no ACL covers is open to everyone."),
  // SASL authentication (docs/security.md)
  SASL_ENABLED_MECHANISMS(
      "sasl.enabled.mechanisms",
      "GSSAPI",
      Type.LIST,
      0,
      "SASL mechanisms of SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (Kafka's default"
          + " GSSAPI is not supported: set this key when a listener is SASL)."),
  SASL_MECHANISM_INTER_BROKER_PROTOCOL(
      "sasl.mechanism.inter.broker.protocol",
      "GSSAPI",
      Type.STRING,
      0,
      "SASL mechanism brokers authenticate to each other with when the inter-broker listener"
          + " is SASL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (Kafka's default GSSAPI is not"
          + " supported: set this key)."),
  CONNECTION_FAILED_AUTHENTICATION_DELAY_MS(
      "connection.failed.authentication.delay.ms",
      "100",
      Type.INT,
      0,
      "A failed SASL authentication is answered, and the connection closed, after this delay."),
  SASL_SERVER_MAX_RECEIVE_SIZE(
      "sasl.server.max.receive.size",
      "524288",
      Type.INT,
      64,
      "Largest request frame a SASL listener accepts before the client has authenticated.");

  /** How a value is parsed. */
  enum Type {
    INT,
    LONG,
    DOUBLE,
    BOOLEAN,
    STRING,
    LIST,
    ENDPOINT
  }

  private static final Map<String, ConfigKey> BY_NAME = new HashMap<>();

  static {
    for (ConfigKey key : values()) {
      BY_NAME.put(key.key, key);
    }
  }

  private final String key;
  private final String defaultValue;
  private final Type type;
  private final long min;
  private final String doc;

  ConfigKey(String key, String defaultValue, Type type, long min, String doc) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.type = type;
    this.min = min;
    this.doc = doc;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** Kafka's DescribeConfigs type id (STRING 2, INT 3, LONG 5, DOUBLE 6, LIST 7, BOOLEAN 1). */
  public byte describeType() {
    return switch (type) {
      case INT -> 3;
      case LONG -> 5;
      case DOUBLE -> 6;
      case BOOLEAN -> 1;
      case LIST -> 7;
      case STRING, ENDPOINT -> 2;
    };
  }

  Type type() {
    return type;
  }

  long min() {
    return min;
  }

  /** Whether this is one of the {@code ssl.*} keys, which a listener may override. */
  boolean ssl() {
    return key.startsWith("ssl.");
  }

  /** Whether a listener may override this key ({@code listener.name.<l>.<key>}). */
  boolean perListener() {
    return ssl() || this == SASL_ENABLED_MECHANISMS;
  }

  /** The key with this name, or null. */
  public static ConfigKey forName(String name) {
    return BY_NAME.get(name);
  }
}
