package io.sluice.broker.config;

import io.sluice.broker.group.GroupConfig;
import io.sluice.broker.group.OffsetRetention;
import io.sluice.broker.group.OffsetsTopicConfig;
import io.sluice.broker.storage.LogConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The broker's configuration: typed, validated once at startup. Built from a {@code
 * server.properties} file plus overrides; an unknown key or a bad value fails with a {@link
 * ConfigException} naming it. The storage settings ({@link LogConfig}) and the group coordinator's
 * ({@link GroupConfig}) are nested records of their subsystems, built here from the key table.
 * Immutable.
 */
public record BrokerConfig(
    int nodeId,
    Listeners listeners,
    int numPartitions,
    boolean autoCreateTopics,
    int socketRequestMaxBytes,
    int maxConnections,
    int maxConnectionsPerIp,
    Map<InetAddress, Integer> maxConnectionsPerIpOverrides,
    long connectionsMaxIdleMs,
    int queuedMaxRequestsPerConnection,
    int socketSendBufferBytes,
    int socketReceiveBufferBytes,
    int writeBufferHighBytes,
    int writeBufferLowBytes,
    int numNetworkThreads,
    boolean fetchZeroCopy,
    int fetchMaxBytes,
    LogConfig log,
    GroupConfig groups,
    int metricsPort,
    String metricsHost,
    ZooKeeperConfig zooKeeper,
    ReplicationConfig replication,
    Map<String, String> explicit) {

  public BrokerConfig {
    maxConnectionsPerIpOverrides = Map.copyOf(maxConnectionsPerIpOverrides);
    explicit = Map.copyOf(explicit);
    if (maxConnectionsPerIp == 0 && maxConnectionsPerIpOverrides.isEmpty()) {
      // As Kafka: a per-address limit of 0 refuses every client unless some address is excepted.
      throw new ConfigException(
          ConfigKey.MAX_CONNECTIONS_PER_IP.key()
              + "=0 is allowed only with "
              + ConfigKey.MAX_CONNECTIONS_PER_IP_OVERRIDES.key()
              + " set");
    }
    if (writeBufferLowBytes > writeBufferHighBytes) {
      throw new ConfigException(
          ConfigKey.SOCKET_WRITE_BUFFER_LOW_BYTES.key()
              + "="
              + writeBufferLowBytes
              + " must not exceed "
              + ConfigKey.SOCKET_WRITE_BUFFER_HIGH_BYTES.key()
              + "="
              + writeBufferHighBytes);
    }
  }

  /** {@code log.dirs}: where the logs, and the broker's own state files (in the first), live. */
  public List<Path> logDirs() {
    return log.logDirs();
  }

  /** Every default. */
  public static BrokerConfig defaults() {
    return from(Map.of());
  }

  /** Reads a properties file, then applies the overrides (later wins). */
  public static BrokerConfig load(Path file, Map<String, String> overrides) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      values.put(name, properties.getProperty(name).trim());
    }
    values.putAll(overrides);
    return from(values);
  }

  /** Builds the configuration from raw key/value pairs; missing keys take their defaults. */
  public static BrokerConfig from(Map<String, String> raw) {
    Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    for (ConfigKey key : ConfigKey.values()) {
      values.put(key, key.defaultValue());
    }
    Map<String, Map<ConfigKey, String>> perListener = new LinkedHashMap<>();
    Map<String, Map<String, String>> jaas = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : raw.entrySet()) {
      if (entry.getKey().startsWith(LISTENER_PREFIX) && entry.getKey().endsWith(JAAS_SUFFIX)) {
        jaasEntry(entry.getKey(), entry.getValue(), jaas);
        continue;
      }
      if (entry.getKey().startsWith(LISTENER_PREFIX)) {
        perListener(entry.getKey(), entry.getValue(), perListener);
        continue;
      }
      ConfigKey key = ConfigKey.forName(entry.getKey());
      if (key == null) {
        throw new ConfigException("unknown configuration key '" + entry.getKey() + "'");
      }
      values.put(key, entry.getValue().trim());
    }
    Values v = new Values(values);
    v.offsetsTopic(); // validated here, read through offsetsTopic()
    int nodeId = v.nodeId(raw);
    Listeners listeners = Listeners.parse(values, perListener, jaas);
    v.integer(ConfigKey.CONNECTION_FAILED_AUTHENTICATION_DELAY_MS); // validated here, read below
    v.integer(ConfigKey.SASL_SERVER_MAX_RECEIVE_SIZE);
    v.integer(ConfigKey.QUOTA_WINDOW_NUM); // validated here, read below
    v.integer(ConfigKey.QUOTA_WINDOW_SIZE_SECONDS);
    return new BrokerConfig(
        nodeId,
        listeners,
        v.integer(ConfigKey.NUM_PARTITIONS),
        v.bool(ConfigKey.AUTO_CREATE_TOPICS_ENABLE),
        v.integer(ConfigKey.SOCKET_REQUEST_MAX_BYTES),
        v.integer(ConfigKey.MAX_CONNECTIONS),
        v.integer(ConfigKey.MAX_CONNECTIONS_PER_IP),
        v.perIpOverrides(ConfigKey.MAX_CONNECTIONS_PER_IP_OVERRIDES),
        v.longValue(ConfigKey.CONNECTIONS_MAX_IDLE_MS),
        v.integer(ConfigKey.QUEUED_MAX_REQUESTS_PER_CONNECTION),
        v.integer(ConfigKey.SOCKET_SEND_BUFFER_BYTES),
        v.integer(ConfigKey.SOCKET_RECEIVE_BUFFER_BYTES),
        v.integer(ConfigKey.SOCKET_WRITE_BUFFER_HIGH_BYTES),
        v.integer(ConfigKey.SOCKET_WRITE_BUFFER_LOW_BYTES),
        v.integer(ConfigKey.NUM_NETWORK_THREADS),
        v.bool(ConfigKey.FETCH_ZEROCOPY),
        v.integer(ConfigKey.FETCH_MAX_BYTES),
        v.log(),
        v.groups(),
        v.integer(ConfigKey.METRICS_PORT),
        values.get(ConfigKey.METRICS_HOST).isEmpty()
            ? listeners.first().host()
            : values.get(ConfigKey.METRICS_HOST),
        v.zooKeeper(),
        v.replication(),
        explicitValues(raw));
  }

  /** The keys set in the file or the overrides, trimmed: what DescribeConfigs calls static. */
  private static Map<String, String> explicitValues(Map<String, String> raw) {
    Map<String, String> explicit = new LinkedHashMap<>();
    raw.forEach((key, value) -> explicit.put(key, value.trim()));
    return explicit;
  }

  /**
   * The value of a broker key as configured: the value set in the file or the overrides, else the
   * key's default; null for a key this broker does not have.
   */
  public String value(String key) {
    String set = explicit.get(key);
    if (set != null) {
      return set;
    }
    ConfigKey known = ConfigKey.forName(key);
    return known == null ? null : known.defaultValue();
  }

  private static final String LISTENER_PREFIX = "listener.name.";
  private static final String JAAS_SUFFIX = ".sasl.jaas.config";

  /** {@code sasl.server.max.receive.size}: the frame limit before SASL authentication. */
  public int saslServerMaxReceiveSize() {
    return Integer.parseInt(value(ConfigKey.SASL_SERVER_MAX_RECEIVE_SIZE.key()).trim());
  }

  /** {@code quota.window.num}: the samples of a client quota's rate. */
  public int quotaWindowNum() {
    return Integer.parseInt(value(ConfigKey.QUOTA_WINDOW_NUM.key()).trim());
  }

  /** {@code quota.window.size.seconds}: the length of each sample. */
  public int quotaWindowSizeSeconds() {
    return Integer.parseInt(value(ConfigKey.QUOTA_WINDOW_SIZE_SECONDS.key()).trim());
  }

  /** {@code connection.failed.authentication.delay.ms}. */
  public int failedAuthenticationDelayMs() {
    return Integer.parseInt(
        value(ConfigKey.CONNECTION_FAILED_AUTHENTICATION_DELAY_MS.key()).trim());
  }

  /**
   * Files {@code listener.name.<listener>.<mechanism>.sasl.jaas.config} (Kafka's form) by
   * upper-case listener name and lower-case mechanism.
   */
  private static void jaasEntry(String name, String value, Map<String, Map<String, String>> jaas) {
    String rest = name.substring(LISTENER_PREFIX.length(), name.length() - JAAS_SUFFIX.length());
    int dot = rest.indexOf('.');
    if (dot <= 0 || dot == rest.length() - 1 || rest.indexOf('.', dot + 1) >= 0) {
      throw new ConfigException(
          "unknown configuration key '"
              + name
              + "' (JAAS entries per listener and mechanism:"
              + " listener.name.<listener>.<mechanism>.sasl.jaas.config)");
    }
    String listener = rest.substring(0, dot).toUpperCase(java.util.Locale.ROOT);
    jaas.computeIfAbsent(listener, l -> new LinkedHashMap<>())
        .put(rest.substring(dot + 1).toLowerCase(java.util.Locale.ROOT), value.trim());
  }

  /**
   * Files {@code listener.name.<listener>.<key>} (Kafka's per-listener form) under the listener,
   * upper-cased as listener names are. Only the {@code ssl.*} keys and {@code
   * sasl.enabled.mechanisms} can be set per listener.
   */
  private static void perListener(
      String name, String value, Map<String, Map<ConfigKey, String>> perListener) {
    String rest = name.substring(LISTENER_PREFIX.length());
    int dot = rest.indexOf('.');
    ConfigKey key = dot > 0 ? ConfigKey.forName(rest.substring(dot + 1)) : null;
    if (key == null || !key.perListener()) {
      throw new ConfigException(
          "unknown configuration key '"
              + name
              + "' (per listener, only the ssl.* keys, sasl.enabled.mechanisms and"
              + " <mechanism>.sasl.jaas.config: listener.name.<listener>.ssl.*)");
    }
    String listener = rest.substring(0, dot).toUpperCase(java.util.Locale.ROOT);
    perListener
        .computeIfAbsent(listener, l -> new EnumMap<>(ConfigKey.class))
        .put(key, value.trim());
  }

  /**
   * The settings of {@code __consumer_offsets} (cluster mode): {@code
   * offsets.topic.num.partitions}, {@code offsets.topic.replication.factor}, {@code
   * offsets.commit.timeout.ms}.
   */
  /**
   * Offset expiry: {@code offsets.retention.minutes}, {@code offsets.retention.check.interval.ms}.
   */
  public OffsetRetention offsetRetention() {
    return new Values(
            Map.of(
                ConfigKey.OFFSETS_RETENTION_MINUTES,
                value(ConfigKey.OFFSETS_RETENTION_MINUTES.key()),
                ConfigKey.OFFSETS_RETENTION_CHECK_INTERVAL_MS,
                value(ConfigKey.OFFSETS_RETENTION_CHECK_INTERVAL_MS.key())))
        .offsetRetention();
  }

  public OffsetsTopicConfig offsetsTopic() {
    return new Values(
            Map.of(
                ConfigKey.OFFSETS_TOPIC_NUM_PARTITIONS,
                value(ConfigKey.OFFSETS_TOPIC_NUM_PARTITIONS.key()),
                ConfigKey.OFFSETS_TOPIC_REPLICATION_FACTOR,
                value(ConfigKey.OFFSETS_TOPIC_REPLICATION_FACTOR.key()),
                ConfigKey.OFFSETS_COMMIT_TIMEOUT_MS,
                value(ConfigKey.OFFSETS_COMMIT_TIMEOUT_MS.key())))
        .offsetsTopic();
  }

  /** Whether the metrics and health endpoint is on ({@code metrics.port} other than -1). */
  public boolean metricsEnabled() {
    return metricsPort >= 0;
  }

  /** True when {@code zookeeper.connect} is set: this broker is one of a cluster. */
  public boolean clusterMode() {
    return zooKeeper != null;
  }

  /** The first listener: the one the broker's own {@code bootstrapServers()} names. */
  public Endpoint listener() {
    return listeners.first();
  }

  /**
   * The address clients of the first listener are told to use: its advertised address, else its own
   * host and the port it is bound to.
   */
  public Endpoint advertised(int boundPort) {
    return listeners.advertised(listener().listenerName(), boundPort);
  }

  /** Typed, range-checked access to the raw strings; every failure names key and value. */
  private record Values(Map<ConfigKey, String> raw) {
    long longValue(ConfigKey key) {
      String text = raw.get(key);
      long value;
      try {
        value = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw bad(key, "not a number");
      }
      if (value < key.min()) {
        throw bad(key, "must be at least " + key.min());
      }
      return value;
    }

    int integer(ConfigKey key) {
      long value = longValue(key);
      if (value > Integer.MAX_VALUE) {
        throw bad(key, "must be at most " + Integer.MAX_VALUE);
      }
      return (int) value;
    }

    double ratio(ConfigKey key) {
      try {
        return Double.parseDouble(raw.get(key));
      } catch (NumberFormatException e) {
        throw bad(key, "not a number");
      }
    }

    boolean bool(ConfigKey key) {
      String text = raw.get(key);
      if (text.equalsIgnoreCase("true")) {
        return true;
      }
      if (text.equalsIgnoreCase("false")) {
        return false;
      }
      throw bad(key, "must be true or false");
    }

    List<String> list(ConfigKey key) {
      List<String> items = new ArrayList<>();
      for (String item : raw.get(key).split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      if (items.isEmpty()) {
        throw bad(key, "must name at least one entry");
      }
      return items;
    }

    LogConfig log() {
      List<Path> dirs = new ArrayList<>();
      for (String dir : list(ConfigKey.LOG_DIRS)) {
        dirs.add(Path.of(dir));
      }
      try {
        return LogConfig.builder(dirs)
            .segmentBytes(integer(ConfigKey.LOG_SEGMENT_BYTES))
            .rollMs(longValue(ConfigKey.LOG_ROLL_MS))
            .retentionMs(longValue(ConfigKey.LOG_RETENTION_MS))
            .retentionBytes(longValue(ConfigKey.LOG_RETENTION_BYTES))
            .indexIntervalBytes(integer(ConfigKey.LOG_INDEX_INTERVAL_BYTES))
            .indexSizeMaxBytes(integer(ConfigKey.LOG_INDEX_SIZE_MAX_BYTES))
            .flushIntervalMs(longValue(ConfigKey.LOG_FLUSH_INTERVAL_MS))
            .flushIntervalMessages(longValue(ConfigKey.LOG_FLUSH_INTERVAL_MESSAGES))
            .retentionCheckIntervalMs(longValue(ConfigKey.LOG_RETENTION_CHECK_INTERVAL_MS))
            .checkpointIntervalMs(longValue(ConfigKey.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS))
            .maxMessageBytes(integer(ConfigKey.MESSAGE_MAX_BYTES))
            .timestampAfterMaxMs(longValue(ConfigKey.MESSAGE_TIMESTAMP_AFTER_MAX_MS))
            .timestampBeforeMaxMs(longValue(ConfigKey.MESSAGE_TIMESTAMP_BEFORE_MAX_MS))
            .idleSegmentFilesMax(integer(ConfigKey.LOG_SEGMENT_IDLE_FILES_MAX))
            .cleanupPolicy(raw.get(ConfigKey.LOG_CLEANUP_POLICY))
            .timestampType(raw.get(ConfigKey.LOG_MESSAGE_TIMESTAMP_TYPE))
            .minCleanableDirtyRatio(ratio(ConfigKey.LOG_CLEANER_MIN_CLEANABLE_RATIO))
            .deleteRetentionMs(longValue(ConfigKey.LOG_CLEANER_DELETE_RETENTION_MS))
            .minCompactionLagMs(longValue(ConfigKey.LOG_CLEANER_MIN_COMPACTION_LAG_MS))
            .maxCompactionLagMs(longValue(ConfigKey.LOG_CLEANER_MAX_COMPACTION_LAG_MS))
            .minInsyncReplicas(integer(ConfigKey.MIN_INSYNC_REPLICAS))
            .cleaner(
                new LogConfig.CleanerConfig(
                    bool(ConfigKey.LOG_CLEANER_ENABLE),
                    integer(ConfigKey.LOG_CLEANER_THREADS),
                    longValue(ConfigKey.LOG_CLEANER_DEDUPE_BUFFER_SIZE),
                    longValue(ConfigKey.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND),
                    longValue(ConfigKey.LOG_CLEANER_BACKOFF_MS)))
            .build();
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid log configuration: " + e.getMessage());
      }
    }

    /**
     * {@code broker.id} if set, else {@code node.id}; both set means they must agree. Cluster mode
     * needs one of them set explicitly: two brokers on the default id would fight over it.
     */
    int nodeId(Map<String, String> given) {
      int nodeId = integer(ConfigKey.NODE_ID);
      int brokerId = integer(ConfigKey.BROKER_ID);
      boolean nodeIdGiven = given.containsKey(ConfigKey.NODE_ID.key());
      if (brokerId >= 0 && nodeIdGiven && brokerId != nodeId) {
        throw new ConfigException(
            "broker.id=" + brokerId + " and node.id=" + nodeId + " disagree; set one of them");
      }
      if (!raw.get(ConfigKey.ZOOKEEPER_CONNECT).isEmpty() && brokerId < 0 && !nodeIdGiven) {
        throw new ConfigException(
            "zookeeper.connect is set (cluster mode): set broker.id to this broker's unique id");
      }
      return brokerId >= 0 ? brokerId : nodeId;
    }

    ReplicationConfig replication() {
      if (bool(ConfigKey.UNCLEAN_LEADER_ELECTION_ENABLE)) {
        throw bad(
            ConfigKey.UNCLEAN_LEADER_ELECTION_ENABLE,
            "only false is supported: a leader is never elected outside the in-sync replicas");
      }
      return new ReplicationConfig(
          integer(ConfigKey.DEFAULT_REPLICATION_FACTOR),
          integer(ConfigKey.MIN_INSYNC_REPLICAS),
          longValue(ConfigKey.REPLICA_LAG_TIME_MAX_MS),
          integer(ConfigKey.REPLICA_FETCH_MAX_BYTES),
          integer(ConfigKey.REPLICA_FETCH_WAIT_MAX_MS),
          bool(ConfigKey.AUTO_LEADER_REBALANCE_ENABLE));
    }

    /** Null in single-node mode. */
    ZooKeeperConfig zooKeeper() {
      String connect = raw.get(ConfigKey.ZOOKEEPER_CONNECT);
      if (connect.isEmpty()) {
        return null;
      }
      try {
        String rack = raw.get(ConfigKey.BROKER_RACK);
        return ZooKeeperConfig.parse(
            connect,
            integer(ConfigKey.ZOOKEEPER_SESSION_TIMEOUT_MS),
            raw.get(ConfigKey.ZOOKEEPER_CONNECTION_TIMEOUT_MS).isEmpty()
                ? integer(ConfigKey.ZOOKEEPER_SESSION_TIMEOUT_MS)
                : integer(ConfigKey.ZOOKEEPER_CONNECTION_TIMEOUT_MS),
            rack.isEmpty() ? null : rack);
      } catch (IllegalArgumentException e) {
        throw bad(ConfigKey.ZOOKEEPER_CONNECT, e.getMessage());
      }
    }

    /**
     * {@code host:count,host:count} (Kafka's format; the count after the last colon, so an IPv6
     * literal may be written as is); each host resolved now, as Kafka does, to the address that
     * connections are counted by.
     */
    Map<InetAddress, Integer> perIpOverrides(ConfigKey key) {
      Map<InetAddress, Integer> overrides = new LinkedHashMap<>();
      for (String item : raw.get(key).split(",")) {
        if (item.isBlank()) {
          continue;
        }
        String entry = item.trim();
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
          throw bad(key, "'" + entry + "' is not host:count");
        }
        String host = entry.substring(0, colon).trim();
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
          throw bad(key, "'" + entry + "' is not host:count");
        }
        int count;
        try {
          count = Integer.parseInt(entry.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw bad(key, "'" + entry + "': the count is not a number");
        }
        if (count < 0) {
          throw bad(key, "'" + entry + "': the count must be at least 0");
        }
        InetAddress address;
        try {
          address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
          throw bad(key, "'" + entry + "': unknown host " + host);
        }
        if (overrides.put(address, count) != null) {
          throw bad(key, "'" + entry + "': " + address.getHostAddress() + " is listed twice");
        }
      }
      return overrides;
    }

    OffsetRetention offsetRetention() {
      return new OffsetRetention(
          java.util.concurrent.TimeUnit.MINUTES.toMillis(
              integer(ConfigKey.OFFSETS_RETENTION_MINUTES)),
          longValue(ConfigKey.OFFSETS_RETENTION_CHECK_INTERVAL_MS));
    }

    OffsetsTopicConfig offsetsTopic() {
      int replicationFactor = integer(ConfigKey.OFFSETS_TOPIC_REPLICATION_FACTOR);
      if (replicationFactor > Short.MAX_VALUE) {
        throw bad(ConfigKey.OFFSETS_TOPIC_REPLICATION_FACTOR, "at most " + Short.MAX_VALUE);
      }
      return new OffsetsTopicConfig(
          integer(ConfigKey.OFFSETS_TOPIC_NUM_PARTITIONS),
          (short) replicationFactor,
          integer(ConfigKey.OFFSETS_COMMIT_TIMEOUT_MS));
    }

    GroupConfig groups() {
      try {
        return GroupConfig.defaults()
            .withInitialRebalanceDelayMs(integer(ConfigKey.GROUP_INITIAL_REBALANCE_DELAY_MS))
            .withSessionTimeoutRange(
                integer(ConfigKey.GROUP_MIN_SESSION_TIMEOUT_MS),
                integer(ConfigKey.GROUP_MAX_SESSION_TIMEOUT_MS))
            .withMaxSize(integer(ConfigKey.GROUP_MAX_SIZE));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid group configuration: " + e.getMessage());
      }
    }

    private ConfigException bad(ConfigKey key, String why) {
      return new ConfigException(
          "invalid value '" + raw.get(key) + "' for configuration key '" + key.key() + "': " + why);
    }
  }
}
