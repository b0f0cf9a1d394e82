package io.sluice.client;

import java.util.List;
import java.util.Map;

/**
 * Consumer settings, named and defaulted as Kafka's consumer names them. Validated once, when
 * built.
 *
 * @param groupId {@code group.id}: the group whose committed offsets are used; null for none
 * @param autoOffsetReset {@code auto.offset.reset}: "earliest", "latest" or "none" (fail)
 * @param fetchMinBytes {@code fetch.min.bytes}: the broker waits for this much data...
 * @param fetchMaxWaitMs {@code fetch.max.wait.ms}: ...or this long
 * @param fetchMaxBytes {@code fetch.max.bytes}: bytes of one fetch response
 * @param maxPartitionFetchBytes {@code max.partition.fetch.bytes}: bytes per partition per fetch
 * @param maxPollRecords {@code max.poll.records}: records returned by one poll
 * @param checkCrcs {@code check.crcs}: verify each received batch's CRC32C (on by default)
 * @param enableAutoCommit {@code enable.auto.commit}: a subscribed consumer commits its positions
 *     every {@code auto.commit.interval.ms}, before a rebalance and on close
 * @param sessionTimeoutMs {@code session.timeout.ms}: the coordinator expels a member silent longer
 * @param heartbeatIntervalMs {@code heartbeat.interval.ms}: below the session timeout
 * @param maxPollIntervalMs {@code max.poll.interval.ms}: the rebalance timeout, and the longest
 *     pause between polls before the member leaves its group
 * @param partitionAssignmentStrategy {@code partition.assignment.strategy}: {@code range}, {@code
 *     roundrobin} (or Kafka's class names of them), in order of preference
 * @param groupInstanceId {@code group.instance.id}: a static member's id, or null
 */
public record ConsumerConfig(
    String bootstrapServers,
    String clientId,
    String groupId,
    String autoOffsetReset,
    int fetchMinBytes,
    int fetchMaxWaitMs,
    int fetchMaxBytes,
    int maxPartitionFetchBytes,
    int maxPollRecords,
    long requestTimeoutMs,
    long retryBackoffMs,
    boolean checkCrcs,
    boolean enableAutoCommit,
    int autoCommitIntervalMs,
    int sessionTimeoutMs,
    int heartbeatIntervalMs,
    int maxPollIntervalMs,
    List<String> partitionAssignmentStrategy,
    String groupInstanceId) {

  public ConsumerConfig {
    ConfigChecks.require(
        bootstrapServers != null && !bootstrapServers.isBlank(),
        "bootstrap.servers",
        bootstrapServers);
    ConfigChecks.require(
        "earliest".equals(autoOffsetReset)
            || "latest".equals(autoOffsetReset)
            || "none".equals(autoOffsetReset),
        "auto.offset.reset",
        autoOffsetReset);
    ConfigChecks.require(fetchMinBytes >= 0, "fetch.min.bytes", fetchMinBytes);
    ConfigChecks.require(fetchMaxWaitMs >= 0, "fetch.max.wait.ms", fetchMaxWaitMs);
    ConfigChecks.require(fetchMaxBytes > 0, "fetch.max.bytes", fetchMaxBytes);
    ConfigChecks.require(
        maxPartitionFetchBytes > 0, "max.partition.fetch.bytes", maxPartitionFetchBytes);
    ConfigChecks.require(maxPollRecords > 0, "max.poll.records", maxPollRecords);
    ConfigChecks.require(requestTimeoutMs > fetchMaxWaitMs, "request.timeout.ms", requestTimeoutMs);
    ConfigChecks.require(retryBackoffMs >= 0, "retry.backoff.ms", retryBackoffMs);
    partitionAssignmentStrategy =
        GroupConfigChecks.validate(
            autoCommitIntervalMs,
            sessionTimeoutMs,
            heartbeatIntervalMs,
            maxPollIntervalMs,
            groupInstanceId,
            partitionAssignmentStrategy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent builder, preset with Kafka's defaults. */
  public static final class Builder {
    private String bootstrapServers = "127.0.0.1:9092";
    private String clientId = "sluice-consumer";
    private String groupId;
    private String autoOffsetReset = "latest";
    private int fetchMinBytes = 1;
    private int fetchMaxWaitMs = 500;
    private int fetchMaxBytes = 50 * 1024 * 1024;
    private int maxPartitionFetchBytes = 1024 * 1024;
    private int maxPollRecords = 500;
    private long requestTimeoutMs = 30_000;
    private long retryBackoffMs = 100;
    private boolean checkCrcs = true;
    private boolean enableAutoCommit = true;
    private int autoCommitIntervalMs = 5_000;
    private int sessionTimeoutMs = 45_000;
    private int heartbeatIntervalMs = 3_000;
    private int maxPollIntervalMs = 300_000;
    private List<String> partitionAssignmentStrategy = List.of("range");
    private String groupInstanceId;

    private Builder() {}

    public Builder bootstrapServers(String value) {
      this.bootstrapServers = value;
      return this;
    }

    public Builder clientId(String value) {
      this.clientId = value;
      return this;
    }

    public Builder groupId(String value) {
      this.groupId = value;
      return this;
    }

    public Builder autoOffsetReset(String value) {
      this.autoOffsetReset = value;
      return this;
    }

    public Builder fetchMinBytes(int value) {
      this.fetchMinBytes = value;
      return this;
    }

    public Builder fetchMaxWaitMs(int value) {
      this.fetchMaxWaitMs = value;
      return this;
    }

    public Builder fetchMaxBytes(int value) {
      this.fetchMaxBytes = value;
      return this;
    }

    public Builder maxPartitionFetchBytes(int value) {
      this.maxPartitionFetchBytes = value;
      return this;
    }

    public Builder maxPollRecords(int value) {
      this.maxPollRecords = value;
      return this;
    }

    public Builder requestTimeoutMs(long value) {
      this.requestTimeoutMs = value;
      return this;
    }

    public Builder retryBackoffMs(long value) {
      this.retryBackoffMs = value;
      return this;
    }

    public Builder checkCrcs(boolean value) {
      this.checkCrcs = value;
      return this;
    }

    public Builder enableAutoCommit(boolean value) {
      this.enableAutoCommit = value;
      return this;
    }

    public Builder autoCommitIntervalMs(int value) {
      this.autoCommitIntervalMs = value;
      return this;
    }

    public Builder sessionTimeoutMs(int value) {
      this.sessionTimeoutMs = value;
      return this;
    }

    public Builder heartbeatIntervalMs(int value) {
      this.heartbeatIntervalMs = value;
      return this;
    }

    public Builder maxPollIntervalMs(int value) {
      this.maxPollIntervalMs = value;
      return this;
    }

    public Builder partitionAssignmentStrategy(List<String> value) {
      this.partitionAssignmentStrategy = value;
      return this;
    }

    public Builder groupInstanceId(String value) {
      this.groupInstanceId = value;
      return this;
    }

    /** Applies settings given by their Kafka key names; an unknown key fails. */
    public Builder properties(Map<String, String> properties) {
      properties.forEach(this::set);
      return this;
    }

    private void set(String key, String value) {
      switch (key) {
        case "bootstrap.servers" -> bootstrapServers = value;
        case "client.id" -> clientId = value;
        case "group.id" -> groupId = value;
        case "auto.offset.reset" -> autoOffsetReset = value;
        case "fetch.min.bytes" -> fetchMinBytes = ConfigChecks.parseInt(key, value);
        case "fetch.max.wait.ms" -> fetchMaxWaitMs = ConfigChecks.parseInt(key, value);
        case "fetch.max.bytes" -> fetchMaxBytes = ConfigChecks.parseInt(key, value);
        case "max.partition.fetch.bytes" ->
            maxPartitionFetchBytes = ConfigChecks.parseInt(key, value);
        case "max.poll.records" -> maxPollRecords = ConfigChecks.parseInt(key, value);
        case "request.timeout.ms" -> requestTimeoutMs = ConfigChecks.parseLong(key, value);
        case "retry.backoff.ms" -> retryBackoffMs = ConfigChecks.parseLong(key, value);
        case "check.crcs" -> checkCrcs = ConfigChecks.parseBoolean(key, value);
        case "enable.auto.commit" -> enableAutoCommit = ConfigChecks.parseBoolean(key, value);
        case "auto.commit.interval.ms" -> autoCommitIntervalMs = ConfigChecks.parseInt(key, value);
        case "session.timeout.ms" -> sessionTimeoutMs = ConfigChecks.parseInt(key, value);
        case "heartbeat.interval.ms" -> heartbeatIntervalMs = ConfigChecks.parseInt(key, value);
        case "max.poll.interval.ms" -> maxPollIntervalMs = ConfigChecks.parseInt(key, value);
        case "partition.assignment.strategy" ->
            partitionAssignmentStrategy = GroupConfigChecks.parseList(value);
        case "group.instance.id" -> groupInstanceId = value;
        default -> throw new IllegalArgumentException("unknown consumer setting " + key);
      }
    }

    public ConsumerConfig build() {
      return new ConsumerConfig(
          bootstrapServers,
          clientId,
          groupId,
          autoOffsetReset,
          fetchMinBytes,
          fetchMaxWaitMs,
          fetchMaxBytes,
          maxPartitionFetchBytes,
          maxPollRecords,
          requestTimeoutMs,
          retryBackoffMs,
          checkCrcs,
          enableAutoCommit,
          autoCommitIntervalMs,
          sessionTimeoutMs,
          heartbeatIntervalMs,
          maxPollIntervalMs,
          partitionAssignmentStrategy,
          groupInstanceId);
    }
  }
}
